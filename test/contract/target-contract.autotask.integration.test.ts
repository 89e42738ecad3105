import { autotaskTarget } from './autotask-target.ts';
import { describeTarget } from './target-contract.ts';

describeTarget(autotaskTarget);
