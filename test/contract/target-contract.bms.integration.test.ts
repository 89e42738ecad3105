import { bmsTarget } from './bms-target.ts';
import { describeTarget } from './target-contract.ts';

describeTarget(bmsTarget);
