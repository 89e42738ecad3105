import { describe, expect, it } from 'vitest';
import { RecentRequests, stepBackCost } from '../../src/connectors/autotask/step-back.ts';
import { LocalInFlightSlots } from '../../src/connectors/http/in-flight-slots.ts';

const hour = 3_600_000;

describe("contactsync's share of an Autotask database", () => {
  it('spends its whole budget while the others leave room for it', () => {
    // Others spent 2,000 of 10,000: 7,000 are left under the 90% kept free, more than a budget of 5,000.
    expect(stepBackCost({ limit: 10_000, windowMs: hour, used: 2_000 }, 0, 5_000)).toBe(1);
    // contactsync's own requests are not the others': 4,500 of them and 2,000 others still leave room.
    expect(stepBackCost({ limit: 10_000, windowMs: hour, used: 6_500 }, 4_500, 5_000)).toBe(1);
  });

  it('steps back as far as the others are busy, and never stops altogether', () => {
    // Others spent 6,000: 3,000 are left; each request costs 2 units of a budget of 5,000 (2,500 a window).
    expect(stepBackCost({ limit: 10_000, windowMs: hour, used: 6_000 }, 0, 5_000)).toBe(2);
    expect(stepBackCost({ limit: 10_000, windowMs: hour, used: 9_800 }, 0, 5_000)).toBe(20);
  });

  it('counts its own requests of the last window', () => {
    let now = 0;
    const sent = new RecentRequests(() => now);
    sent.count();
    now += 30 * 60_000;
    sent.count();
    sent.count();
    expect(sent.within(hour)).toBe(3);
    now += 45 * 60_000;
    expect(sent.within(hour)).toBe(2);
  });
});

describe('requests in flight', () => {
  it('holds at most the cap under a key, serving waiters in order as slots come back', async () => {
    const slots = new LocalInFlightSlots();
    const held = await Promise.all([slots.hold('a', 2), slots.hold('a', 2)]);
    const order: number[] = [];
    const third = slots.hold('a', 2).then((release) => {
      order.push(3);
      return release;
    });
    const fourth = slots.hold('a', 2).then((release) => {
      order.push(4);
      return release;
    });
    // Another key is not held up.
    await (
      await slots.hold('b', 2)
    )();
    await Promise.resolve();
    expect(order).toEqual([]);
    await held[0]!();
    await held[0]!();
    expect(await Promise.race([third.then(() => 'third'), new Promise((r) => setTimeout(() => r('none'), 10))])).toBe(
      'third',
    );
    expect(order).toEqual([3]);
    await held[1]!();
    await (
      await fourth
    )();
    await (
      await third
    )();
    expect(order).toEqual([3, 4]);
  });
});
