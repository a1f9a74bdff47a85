/** The last stream key used in this browser, so going live again needs no typing. */
const STORAGE_KEY = "tributary.broadcast.key";

export function rememberedKey(): string {
  try {
    return localStorage.getItem(STORAGE_KEY) ?? "";
  } catch {
    return "";
  }
}

export function rememberKey(key: string): void {
  try {
    localStorage.setItem(STORAGE_KEY, key);
  } catch {
    // Storage is off (private mode, blocked cookies): the key is simply not remembered.
  }
}
