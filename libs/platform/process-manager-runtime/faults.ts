/**
 * Fault injection for the crash tests only: `BILLING_FAULT=<point>:<n>` makes the process kill itself
 * with SIGKILL the n-th time it passes <point>, exactly as a power cut there would. Unset in production.
 * `after-command-of-<process manager>` counts only that process manager's commands (e.g. after-command-of-bill-run).
 */
export type FaultPoint = 'after-process-manager-command' | `after-command-of-${string}` | 'after-business-day' | 'after-gateway-charge' | 'projector-throws';

export class FaultInjector {
  private readonly point: string | null;
  private readonly at: number;
  private passes = 0;

  constructor(spec: string | undefined) {
    const match = /^([a-z-]+):(\d+)$/.exec(spec ?? '');
    this.point = match ? match[1] : null;
    this.at = match ? Number(match[2]) : 0;
  }

  pass(point: FaultPoint): void {
    if (this.reached(point)) process.kill(process.pid, 'SIGKILL');
  }

  /** Counts a pass of `point`; true on the n-th (for faults that throw instead of killing the process). */
  reached(point: FaultPoint): boolean {
    if (point !== this.point) return false;
    this.passes++;
    return this.passes === this.at;
  }
}
