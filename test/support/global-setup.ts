// Runs once before a test tier: finds (or downloads) the reference data and hands its folder to every
// test worker through BALLAST_SCHEMAS. Without any, the run stops here with one message.
import { provideReferenceData } from '../../scripts/reference/provide-reference-data';
import { toolPath } from './tools';

export default async function globalSetup(): Promise<void> {
  try {
    const data = await provideReferenceData({
      helm: () => toolPath('helm'),
      offline: Boolean(process.env.BALLAST_REFERENCE_OFFLINE),
      log: (line) => process.stderr.write(`reference data: ${line}\n`),
    });
    process.env.BALLAST_SCHEMAS = data.dir;
  } catch (err) {
    // The message says all there is to say: no stack trace under it.
    const error = new Error((err as Error).message);
    error.stack = error.message;
    throw error;
  }
}
