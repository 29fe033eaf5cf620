// The app's capture size limit, said before the upload: the user learns the size, the limit and the
// command that reads larger captures (rather than a bare HTTP 413 after sending hundreds of MB).
import { describe, expect, it } from 'vitest';
import { captureTooLarge, MAX_CAPTURE_BYTES } from '../../shared/ipc/contract.js';

describe('capture size limit', () => {
  it('admits a capture at the limit and the 95 MB of 200,000 packets', () => {
    expect(captureTooLarge('big.pcap', MAX_CAPTURE_BYTES)).toBeNull();
    expect(captureTooLarge('provider.pcap', 95_432_796)).toBeNull();
  });

  it('one byte over: names the file, its size, the limit and the CLI command', () => {
    const text = captureTooLarge('sbc-day.pcapng', MAX_CAPTURE_BYTES + 1);
    expect(text).toBe(
      'sbc-day.pcapng is 513 MB: the app opens captures up to 512 MB. Read it with `sipladder import sbc-day.pcapng`, which streams a capture of any size from disk.',
    );
  });
});
