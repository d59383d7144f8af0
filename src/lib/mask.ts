// Masks secrets for display. Pure.

/** A secret's last four characters when it is long enough to spare them, else only bullets. */
export function maskSecret(secret: string): string {
  return secret.length >= 16 ? `••••${secret.slice(-4)}` : "••••";
}
