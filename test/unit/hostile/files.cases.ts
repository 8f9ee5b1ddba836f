// Cases of the hostile-input table (test/unit/hostile-input.test.ts) for one surface.
import { HostileCase } from '../../support/hostile';

export const fileCases: HostileCase[] = [];
