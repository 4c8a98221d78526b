/**
 * The only place the application reads the system time. Domain code never does: it receives dates in
 * commands. Tests replace this with a FixedClock.
 */
export interface SystemClock {
  now(): Date;
}

export const SYSTEM_CLOCK = Symbol('SYSTEM_CLOCK');

export class WallClock implements SystemClock {
  now(): Date {
    return new Date();
  }
}

export class FixedClock implements SystemClock {
  constructor(private instant: Date) {}
  now(): Date {
    return new Date(this.instant.getTime());
  }
  set(instant: Date): void {
    this.instant = instant;
  }
}
