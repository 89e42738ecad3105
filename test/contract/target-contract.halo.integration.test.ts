import { haloTarget } from './halo-target.ts';
import { describeTarget } from './target-contract.ts';

describeTarget(haloTarget);
