/** A one-line progress bar on a terminal; silent when stderr is not a terminal (CI, pipes). */
export function progressBar(stream: NodeJS.WriteStream, label: string): ((done: number, total: number, messages: number) => void) & { finish(): void } {
  const started = Date.now();
  let last = 0;
  const draw = (done: number, total: number, messages: number): void => {
    if (!stream.isTTY) return;
    const now = Date.now();
    if (now - last < 100 && done < total) return;
    last = now;
    const ratio = total > 0 ? Math.min(done / total, 1) : 1;
    const width = 30;
    const filled = Math.round(ratio * width);
    const rate = Math.round(messages / Math.max((now - started) / 1000, 0.001));
    stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}%  ${messages} messages  ${rate}/s`);
  };
  return Object.assign(draw, { finish: () => { if (stream.isTTY) stream.write('\n'); } });
}
