import { huduTarget } from './hudu-target.ts';
import { describeTarget } from './target-contract.ts';

describeTarget(huduTarget);
