// Waiting for a promise without waiting forever: a test that must see every promise settle
// fails, instead of hanging, on one that never does.

/** The promise's outcome, or 'pending' when it has not settled after `ms`. */
export function settledWithin<T>(p: Promise<T>, ms: number): Promise<PromiseSettledResult<T> | 'pending'> {
  return Promise.race([
    p.then(
      (value) => ({ status: 'fulfilled' as const, value }),
      (reason: unknown) => ({ status: 'rejected' as const, reason }),
    ),
    new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms)),
  ]);
}
