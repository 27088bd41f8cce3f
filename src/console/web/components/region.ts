/**
 * The region every console call goes to. The shell chooses it (top bar selector, kept in
 * sessionStorage so a reload stays in it) and pages read it with useRegion(), passing it to each
 * api.ts call and re-loading when it changes.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export const RegionContext = createContext<string>('us-east-1');

export function useRegion(): string {
  return useContext(RegionContext);
}

const STORAGE_KEY = 'opentrail.region';

/** The region chosen earlier in this tab if the server still serves it, else the session's. */
export function initialRegion(sessionRegion: string, regions: string[]): string {
  const kept = sessionStorage.getItem(STORAGE_KEY);
  return kept !== null && regions.includes(kept) ? kept : sessionRegion;
}

export function keepRegion(region: string): void {
  sessionStorage.setItem(STORAGE_KEY, region);
}
