// The worker processes of the program's master, as the fault tests see them.
import { execFileSync } from 'node:child_process';

// The master's children now: none for a moment after they were all killed,
// while the master waits to start them again (pgrep then exits 1).
export function workersOf(master) {
  try {
    return execFileSync('pgrep', ['-P', String(master)]).toString().trim().split('\n').filter(Boolean).map(Number);
  } catch (e) {
    if (e.status === 1) return [];
    throw e;
  }
}
