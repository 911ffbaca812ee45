// Unzips a layer as Lambda does: every entry under one directory, the archive's Unix modes kept
// (a bootstrap must stay executable), symlinks as symlinks. Stored and deflated entries only,
// no zip64: what `zip`, Python's zipfile and layer/build.py write for layers under 4 GB.
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { inflateRawSync } from 'node:zlib';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;

export function unzipTo(zipPath: string, dest: string): void {
  const zip = readFileSync(zipPath);
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${zipPath}: not a zip file`);
  const count = zip.readUInt16LE(eocd + 10);
  let off = zip.readUInt32LE(eocd + 16);
  const root = resolve(dest);
  mkdirSync(root, { recursive: true });
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(off) !== CENTRAL) throw new Error(`${zipPath}: bad central directory`);
    const madeBy = zip.readUInt16LE(off + 4) >> 8;
    const method = zip.readUInt16LE(off + 10);
    const compressedSize = zip.readUInt32LE(off + 20);
    const nameLen = zip.readUInt16LE(off + 28);
    const extraLen = zip.readUInt16LE(off + 30);
    const commentLen = zip.readUInt16LE(off + 32);
    const external = zip.readUInt32LE(off + 38);
    const localOff = zip.readUInt32LE(off + 42);
    const name = zip.toString('utf8', off + 46, off + 46 + nameLen);
    off += 46 + nameLen + extraLen + commentLen;

    const target = resolve(root, name);
    if (target !== root && !target.startsWith(root + sep)) throw new Error(`${zipPath}: unsafe entry ${name}`);
    const mode = madeBy === 3 ? external >>> 16 : 0;
    if (name.endsWith('/') || (mode & S_IFMT) === S_IFDIR) {
      mkdirSync(target, { recursive: true });
      continue;
    }
    if (zip.readUInt32LE(localOff) !== LOCAL) throw new Error(`${zipPath}: bad local header for ${name}`);
    const start = localOff + 30 + zip.readUInt16LE(localOff + 26) + zip.readUInt16LE(localOff + 28);
    const raw = zip.subarray(start, start + compressedSize);
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) data = inflateRawSync(raw);
    else throw new Error(`${zipPath}: ${name} uses compression method ${method}`);
    mkdirSync(dirname(target), { recursive: true });
    if ((mode & S_IFMT) === S_IFLNK) {
      symlinkSync(data.toString('utf8'), target);
      continue;
    }
    writeFileSync(target, data);
    chmodSync(target, mode & 0o777 || 0o644);
  }
}
