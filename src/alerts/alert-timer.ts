import type { AlertService } from './alert-service.ts';

/**
 * Sends due alerts every `everyMs` in a long-running process (daemon, serve, worker): items that arrived while a
 * channel's interval was running go out when it ends, even if no run follows. Returns the stop function.
 */
export function startAlertTimer(alerts: Pick<AlertService, 'dispatch'>, everyMs = 60_000): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    alerts
      .dispatch()
      .catch(() => {})
      .finally(() => {
        busy = false;
      });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
