import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';

/** Makes every request of one API answer 429, or no longer, through the simulators' `/_sim/faults` control route. */
export async function simulatorFaults(sims: RunningSimulators, api: string, throttled: boolean): Promise<void> {
  const response = await fetch(`${sims.urls.graph}/_sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api, throttle429: throttled ? 1 : 0 }),
  });
  if (response.status !== 200) throw new Error(`/_sim/faults refused: ${await response.text()}`);
}
