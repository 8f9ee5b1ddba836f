import { IConstruct } from 'constructs';
import { constructPath, inConstruct, whilePlanning } from '../core/errors';
import type { DeploymentPlan, PlanOptions } from '../day2/deployment-plan';
import { codeImages, keepAutomatedTags } from '../day2/image-tags';
import { openSecretStore, planDay2 } from '../day2/plan-day2';
import { planDeployment, preparePlatform } from '../plan/plan-deployment';
import { locateReferenceData } from '../reference/locate';

/**
 * Plans a platform, in the order the layers run: the props' problems and cdk8s' preparation, the image
 * tags Flux's automation committed (kept before any object is read), the placement (pure), then the
 * day-2 guard against the previous synth. Every decision both backends render. Throws a ValidationError on
 * bad input.
 */
export function planPlatform(platform: IConstruct, options: PlanOptions = {}): DeploymentPlan {
  return inConstruct(platform, 'planning the platform', () =>
    whilePlanning(() => {
      const prepared = preparePlatform(platform);
      const root = prepared.platform;
      const previous = options.previous;
      // The code's images are read before the committed tags are patched in (see lib/day2/image-tags.ts).
      const images = { code: codeImages(prepared.components), kept: keepAutomatedTags(prepared.components, previous?.automatedImages, options.previousOutput) };
      const rotate = new Set(options.rotate ?? []);
      const { secretStore, generated } = openSecretStore(root, previous, options.previousOutput, rotate);
      const reference = options.reference === undefined ? locateReferenceData() : options.reference === 'none' ? undefined : options.reference;
      const placement = planDeployment(prepared, { reference, generated, rotate, previousRevisions: previous?.revisions });
      return planDay2(placement, images, options, { platformPath: constructPath(root), rotate, secretStore });
    }),
  );
}
