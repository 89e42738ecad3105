/** pg-boss's SQL texts (its `src/plans.js`, no types of its own): the statements it starts without waiting. */
declare module 'pg-boss/src/plans.js' {
  const plans: {
    completeJobs(schema: string): string;
    failJobsById(schema: string): string;
  };
  export default plans;
}
