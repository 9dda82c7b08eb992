/** An engine that cannot run a workload: reported as `n/a` with a `#` line giving the reason. */
export class NotAvailable extends Error {}
