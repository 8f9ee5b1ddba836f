// `npm run reference`: says where the reference data comes from, and fills the cache from upstream when
// neither $BALLAST_SCHEMAS nor ../shared/schemas provides it. With reference data, synth also checks chart
// values against each chart's values.schema.json.
import { provideReferenceData } from './reference/provide-reference-data';
import { toolPath } from './tool-path';

provideReferenceData({ helm: () => toolPath('helm'), log: (line) => console.log(`  ${line}`) }).then(
  (data) => console.log(`reference data: ${data.dir} (${data.origin})`),
  (err: Error) => {
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
  },
);
