import { connectwiseTarget } from './connectwise-target.ts';
import { describeTarget } from './target-contract.ts';

describeTarget(connectwiseTarget);
