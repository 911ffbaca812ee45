#!/usr/bin/env python3
"""Builds the Lambda layer zip for provided.al2023, reproducibly.

    layer/build.py --arch x86_64|arm64 --node-major 24|22 --out build/layer/<name>.zip

Contents (unpacked by Lambda at /opt):
    bootstrap               sh, 0755: NODE_PATH, heap flags, exec bin/node
    bin/node                the pinned node-linux-<arch> npm package's binary, stripped, 0755
    lambda-node/runtime.cjs the bundled runtime
    lambda-node/managed.cjs Managed Instances (required only in that mode)
    lib/libstdc++.so.6, lib/libgcc_s.so.1   from Debian 11 (needs only old glibc symbols)
    licenses/               Node's and the libraries' licences

Same inputs, same bytes: entries sorted, fixed timestamps, fixed permissions, fixed compression.
Checks that no shipped ELF needs a GLIBC_ symbol version above provided.al2023's (2.34), and
prints sizes against Lambda's limits.
"""
import argparse, hashlib, io, os, re, shutil, subprocess, sys, tarfile, tempfile, urllib.request, zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ZIP_LIMIT = 50 * 1024 * 1024        # direct upload
UNZIPPED_LIMIT = 250 * 1024 * 1024  # function + layers, unzipped
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def versions():
    out = {}
    for line in open(os.path.join(ROOT, "layer/versions.env")):
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            k, v = line.split("=", 1)
            out[k] = v.strip('"')
    return out


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def fetch_deb(v, key, cache):
    path, want = v[key].split()
    local = os.path.join(cache, os.path.basename(path))
    if not os.path.exists(local):
        with urllib.request.urlopen(f"{v['DEB_MIRROR']}/{path}", timeout=120) as r:
            data = r.read()
        with open(local + ".tmp", "wb") as f:
            f.write(data)
        os.replace(local + ".tmp", local)
    data = open(local, "rb").read()
    if sha256(data) != want:
        os.remove(local)
        sys.exit(f"layer: sha256 mismatch for {path}: got {sha256(data)}, want {want}")
    return data


def deb_members(deb):
    """The data tarball of a .deb (an ar archive), opened."""
    assert deb[:8] == b"!<arch>\n", "not an ar archive"
    off = 8
    while off < len(deb):
        name = deb[off:off + 16].decode().strip().rstrip("/")
        size = int(deb[off + 48:off + 58].decode().strip())
        body = deb[off + 60:off + 60 + size]
        if name.startswith("data.tar"):
            return tarfile.open(fileobj=io.BytesIO(body))
        off += 60 + size + (size & 1)
    raise ValueError("no data.tar in .deb")


def extract_lib(deb, soname):
    """The real file behind `soname` (following the package's symlinks)."""
    tar = deb_members(deb)
    members = {m.name.lstrip("./"): m for m in tar.getmembers()}
    cand = [n for n in members if os.path.basename(n) == soname]
    if not cand:
        raise ValueError(f"{soname} not in package")
    name = cand[0]
    for _ in range(5):
        m = members[name]
        if m.issym():
            name = os.path.normpath(os.path.join(os.path.dirname(name), m.linkname)).lstrip("/")
            continue
        return tar.extractfile(m).read()
    raise ValueError(f"symlink loop for {soname}")


def deb_copyright(deb):
    tar = deb_members(deb)
    for m in tar.getmembers():
        if m.name.endswith("/copyright") and m.isfile():
            return tar.extractfile(m).read()
    return b""


def glibc_needs(path):
    """Highest GLIBC_ and GLIBCXX_ versions an ELF file needs (readelf reads any architecture)."""
    out = subprocess.run(["readelf", "-V", "-W", path], capture_output=True, text=True, check=True).stdout
    needs = out.split("Version needs section")[-1] if "Version needs section" in out else ""
    def top(prefix):
        vs = re.findall(rf"Name: {prefix}_([0-9.]+)", needs)
        return max(vs, key=lambda s: tuple(int(x) for x in s.split(".")), default=None)
    return top("GLIBC"), top("GLIBCXX")


def strip(src, dst, arch):
    for tool in (["strip"], ["aarch64-linux-gnu-strip"], ["llvm-strip"]):
        if shutil.which(tool[0]) is None:
            continue
        r = subprocess.run(tool + ["--strip-all", "-o", dst, src], capture_output=True)
        if r.returncode == 0:
            return
    shutil.copyfile(src, dst)
    print(f"layer: warning: could not strip the {arch} node binary; shipping it unstripped", file=sys.stderr)


def is_elf(data):
    return data[:4] == b"\x7fELF"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", choices=["x86_64", "arm64"], required=True)
    ap.add_argument("--node-major", type=int, choices=[22, 24], required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    v = versions()
    narch, darch = ("x64", "AMD64") if a.arch == "x86_64" else ("arm64", "ARM64")
    cache = os.environ.get("LAMBDA_NODE_CACHE", os.path.join(ROOT, ".toolchain/cache"))
    os.makedirs(cache, exist_ok=True)

    node_dir = os.path.join(ROOT, ".toolchain", f"node{a.node_major}-{narch}")
    if not os.path.exists(os.path.join(node_dir, "bin/node")):
        subprocess.run([os.path.join(ROOT, "scripts/fetch-node.sh"), str(a.node_major), narch, node_dir], check=True)
    runtime = os.path.join(ROOT, "dist/runtime.cjs")
    managed = os.path.join(ROOT, "dist/managed.cjs")
    for f in (runtime, managed):
        if not os.path.exists(f):
            sys.exit(f"layer: {os.path.relpath(f, ROOT)} is missing (make build)")

    files = {}  # archive path -> (bytes, mode)
    boot = open(os.path.join(ROOT, "bootstrap"), "rb").read()
    boot = re.sub(rb"^node_major=.*$", b"node_major=%d" % a.node_major, boot, count=1, flags=re.M)
    files["bootstrap"] = (boot, 0o755)
    with tempfile.TemporaryDirectory() as tmp:
        stripped = os.path.join(tmp, "node")
        strip(os.path.join(node_dir, "bin/node"), stripped, a.arch)
        files["bin/node"] = (open(stripped, "rb").read(), 0o755)
    files["lambda-node/runtime.cjs"] = (open(runtime, "rb").read(), 0o644)
    files["lambda-node/managed.cjs"] = (open(managed, "rb").read(), 0o644)
    libstdcxx = fetch_deb(v, f"DEB_LIBSTDCXX_{darch}", cache)
    libgcc = fetch_deb(v, f"DEB_LIBGCC_{darch}", cache)
    files["lib/libstdc++.so.6"] = (extract_lib(libstdcxx, "libstdc++.so.6"), 0o755)
    files["lib/libgcc_s.so.1"] = (extract_lib(libgcc, "libgcc_s.so.1"), 0o755)
    files["licenses/node.LICENSE"] = (open(os.path.join(node_dir, "LICENSE"), "rb").read(), 0o644)
    copyright = deb_copyright(fetch_deb(v, "DEB_GCCBASE", cache))
    if not copyright:
        sys.exit("layer: no copyright file in gcc-10-base")
    files["licenses/libstdc++-libgcc.copyright"] = (copyright, 0o644)

    ceiling = tuple(int(x) for x in v["GLIBC_CEILING"].split("."))
    failed = False
    print(f"glibc check (ceiling GLIBC_{v['GLIBC_CEILING']}, provided.al2023):")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (data, _) in sorted(files.items()):
            if not is_elf(data):
                continue
            p = os.path.join(tmp, "elf")
            open(p, "wb").write(data)
            glibc, glibcxx = glibc_needs(p)
            ok = glibc is None or tuple(int(x) for x in glibc.split(".")) <= ceiling
            failed |= not ok
            print(f"  {name:<24} needs GLIBC_{glibc}" + (f", GLIBCXX_{glibcxx}" if glibcxx else "") + ("  ok" if ok else "  TOO NEW"))
    if failed:
        sys.exit("layer: a shipped ELF needs a newer glibc than provided.al2023 has")

    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    tmp_out = a.out + ".tmp"
    with zipfile.ZipFile(tmp_out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        dirs = sorted({os.path.dirname(n) for n in files if os.path.dirname(n)})
        for d in dirs:
            zi = zipfile.ZipInfo(d + "/", FIXED_TIME)
            zi.create_system = 3
            zi.external_attr = (0o40755 << 16) | 0x10
            z.writestr(zi, b"")
        for name in sorted(files):
            data, mode = files[name]
            zi = zipfile.ZipInfo(name, FIXED_TIME)
            zi.create_system = 3
            zi.external_attr = (0o100000 | mode) << 16
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data, compresslevel=9)
    os.replace(tmp_out, a.out)
    zipped = os.path.getsize(a.out)
    unzipped = sum(len(d) for d, _ in files.values())
    digest = sha256(open(a.out, "rb").read())
    mb = lambda n: f"{n / 1024 / 1024:.1f} MB"
    print(f"{a.out}")
    print(f"  zipped   {mb(zipped):>9}  (limit {mb(ZIP_LIMIT)} for a direct upload: {100 * zipped / ZIP_LIMIT:.0f}%)")
    print(f"  unzipped {mb(unzipped):>9}  (limit {mb(UNZIPPED_LIMIT)} with the function and all layers: {100 * unzipped / UNZIPPED_LIMIT:.0f}%)")
    print(f"  sha256   {digest}")
    if zipped > ZIP_LIMIT or unzipped > UNZIPPED_LIMIT:
        sys.exit("layer: over Lambda's size limits")


if __name__ == "__main__":
    main()
