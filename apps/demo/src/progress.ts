/**
 * One line per step; a step still running after a second shows its elapsed
 * time and progress (rewritten in place on a terminal, a line every few
 * seconds otherwise).
 */
export async function step<T>(label: string, work: (report: (detail: string) => void) => Promise<T>): Promise<T> {
  const started = Date.now();
  const tty = process.stdout.isTTY === true;
  let detail = '';
  let lastPrinted = 0;
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  const draw = (final: boolean, mark: string) => {
    const text = `${mark} ${label}${detail ? ` — ${detail}` : ''} (${elapsed()})`;
    if (tty) process.stdout.write(`\r\x1b[2K${text}${final ? '\n' : ''}`);
    else if (final || Date.now() - lastPrinted >= 3000) {
      process.stdout.write(`${text}\n`);
      lastPrinted = Date.now();
    }
  };
  if (tty) process.stdout.write(`… ${label}`);
  else process.stdout.write(`… ${label}\n`);
  lastPrinted = Date.now();
  const ticker = setInterval(() => {
    if (Date.now() - started >= 1000) draw(false, '…');
  }, 250);
  try {
    const value = await work((text) => (detail = text));
    clearInterval(ticker);
    draw(true, '✔');
    return value;
  } catch (error) {
    clearInterval(ticker);
    draw(true, '✘');
    throw error;
  }
}
