import { itglueTarget } from './itglue-target.ts';
import { describeTarget } from './target-contract.ts';

describeTarget(itglueTarget);
