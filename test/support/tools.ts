// The tools of the test tiers come from scripts/tools.sh, through the one lookup the scripts use too.
export { toolPath } from '../../scripts/tool-path';
