// Imported first by the entry points (before cdk8s and cdktf, which take most of the start-up): the age worker
// thread then loads age-encryption while the main thread loads everything else.
import { warmUpAgeWorker } from './age-bridge';

warmUpAgeWorker();
