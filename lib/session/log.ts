/**
 * Security events (tampered cookies, corrupt rows). Never pass a cookie value
 * or a session key here: only what happened and harmless details.
 */
export function securityEvent(event: string, details: Record<string, string | number> = {}): void {
  console.warn(`[session:security] ${event}`, JSON.stringify(details));
}
