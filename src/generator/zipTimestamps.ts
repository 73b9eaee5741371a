import fs from 'node:fs';

/** MS-DOS date and time words of a date (local fields taken as given, 2-second resolution). */
function dosDateTime(date: Date): { time: number; day: number } {
  const time =
    (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2);
  const day = ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
  return { time, day };
}

/**
 * Sets the modification time of every entry of a finished zip file (local headers and the
 * central directory) to `date`. ExcelJS adds some entries in its constructor, stamped with
 * the wall clock, before any option could date them; without this an XLSX written twice from
 * the same seed would differ in those bytes. Only the headers are read and rewritten.
 */
export function pinZipTimestamps(file: string, date: Date): void {
  const { time, day } = dosDateTime(date);
  const fd = fs.openSync(file, 'r+');
  try {
    const size = fs.fstatSync(fd).size;
    const tailLength = Math.min(size, 65_557); // EOCD (22 bytes) + the longest comment
    const tail = Buffer.alloc(tailLength);
    fs.readSync(fd, tail, 0, tailLength, size - tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error(`${file}: not a zip file (no end of central directory)`);
    const entries = tail.readUInt16LE(eocd + 10);
    const directorySize = tail.readUInt32LE(eocd + 12);
    const directoryOffset = tail.readUInt32LE(eocd + 16);
    const directory = Buffer.alloc(directorySize);
    fs.readSync(fd, directory, 0, directorySize, directoryOffset);
    const stamp = Buffer.alloc(4);
    stamp.writeUInt16LE(time, 0);
    stamp.writeUInt16LE(day, 2);
    let at = 0;
    for (let n = 0; n < entries; n++) {
      if (directory.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory`);
      stamp.copy(directory, at + 12);
      const localOffset = directory.readUInt32LE(at + 42);
      fs.writeSync(fd, stamp, 0, 4, localOffset + 10);
      at +=
        46 +
        directory.readUInt16LE(at + 28) +
        directory.readUInt16LE(at + 30) +
        directory.readUInt16LE(at + 32);
    }
    fs.writeSync(fd, directory, 0, directorySize, directoryOffset);
  } finally {
    fs.closeSync(fd);
  }
}
