#!/usr/bin/env python3
"""Assembles Docker build contexts under build/image/ and builds the images.

    image/build.py base --arch x86_64|arm64
        The test base image, a FROM-scratch stand-in for provided.al2023 (no registry is reachable):
        glibc (Debian 11 libc6, glibc 2.31 <= al2023's 2.34), dash as /bin/sh, busybox for mv and
        chmod (SAM CLI runs `sh -c "mv ... && chmod ..."` in it), the RIE at
        /usr/local/bin/aws-lambda-rie and /lambda-entrypoint.sh. No libstdc++, no libgcc_s, no node:
        whatever the runtime needs beyond glibc must come from its layer, as on Lambda.
        Tags: lambda-node-base:al2023-<arch> and public.ecr.aws/lambda/provided:al2023-<arch>
        (plus the arch-less :al2023 tags for the host's architecture).

    image/build.py node --arch x86_64|arm64 --node-major 24|22 [--layer build/layer/<zip>]
        lambda-node:<node-version> and lambda-node:<major> (arch-suffixed tags too): the base image
        with the layer zip's contents in /var/runtime (image/node.Dockerfile says why there).

The rootfs tarball is reproducible: sorted entries, fixed owner and timestamps.
"""
import argparse, hashlib, importlib.util, io, os, platform, shutil, stat, struct, subprocess, sys, tarfile, zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.join(ROOT, "image")


def layer_build():
    """layer/build.py as a module: its pinned-.deb fetch and .deb reader."""
    spec = importlib.util.spec_from_file_location("layer_build", os.path.join(ROOT, "layer/build.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def host_arch():
    m = platform.machine()
    return {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}.get(m, m)


def docker_build(ctx, tags, dockerfile="Dockerfile", build_args=(), platform_arch=None):
    cmd = ["docker", "build", "-q", "-f", os.path.join(ctx, dockerfile)]
    if platform_arch:
        cmd += ["--platform", "linux/" + ("amd64" if platform_arch == "x86_64" else "arm64")]
    for a in build_args:
        cmd += ["--build-arg", a]
    for t in tags:
        cmd += ["-t", t]
    cmd.append(ctx)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"image: docker build failed for {tags[0]}:\n{r.stdout}{r.stderr}")
    size = subprocess.run(["docker", "image", "inspect", "-f", "{{.Size}}", tags[0]],
                          capture_output=True, text=True, check=True).stdout.strip()
    print(f"{', '.join(tags)}: {int(size) / 1024 / 1024:.1f} MB ({r.stdout.strip()[:19]})")


# ---- the test base image -------------------------------------------------------------------

class Rootfs:
    """Entries of a file system tree, written as a reproducible tar."""

    def __init__(self):
        self.entries = {}  # path (no leading /) -> (TarInfo, bytes | None)

    def _info(self, path, kind, mode, size=0, link=""):
        ti = tarfile.TarInfo(path)
        ti.type, ti.mode, ti.size, ti.linkname = kind, mode, size, link
        ti.uid = ti.gid = 0
        ti.uname = ti.gname = "root"
        ti.mtime = 0
        return ti

    def dir(self, path, mode=0o755):
        parts = path.strip("/").split("/")
        for i in range(1, len(parts) + 1):
            p = "/".join(parts[:i])
            if p not in self.entries:
                self.entries[p] = (self._info(p, tarfile.DIRTYPE, 0o755), None)
        p = path.strip("/")
        self.entries[p] = (self._info(p, tarfile.DIRTYPE, mode), None)

    def file(self, path, data, mode=0o644):
        p = path.strip("/")
        if "/" in p and os.path.dirname(p) not in self.entries:
            self.dir(os.path.dirname(p))
        self.entries[p] = (self._info(p, tarfile.REGTYPE, mode, len(data)), data)

    def symlink(self, path, target):
        p = path.strip("/")
        if "/" in p and os.path.dirname(p) not in self.entries:
            self.dir(os.path.dirname(p))
        self.entries[p] = (self._info(p, tarfile.SYMTYPE, 0o777, link=target), None)

    def add_deb(self, tar):
        """A package's files, without its documentation other than the copyright."""
        for m in tar.getmembers():
            p = os.path.normpath(m.name).lstrip("/")
            if p == ".":
                continue
            if p.startswith("usr/share/") and not p.startswith("usr/share/zoneinfo") and not (p.startswith("usr/share/doc/") and p.endswith("/copyright")):
                continue
            if m.isdir():
                self.dir(p, m.mode)
            elif m.issym():
                self.symlink(p, m.linkname)
            elif m.isfile():
                self.file(p, tar.extractfile(m).read(), m.mode)
            else:
                raise ValueError(f"unexpected entry in package: {m.name}")

    def write(self, out):
        with open(out, "wb") as f, tarfile.open(fileobj=f, mode="w", format=tarfile.GNU_FORMAT) as t:
            for p in sorted(self.entries):
                ti, data = self.entries[p]
                t.addfile(ti, io.BytesIO(data) if data is not None else None)


def utc_tzif():
    """/etc/localtime for UTC (TZif version 2, RFC 8536): one type, no transitions."""
    def block():
        counts = struct.pack(">6l", 1, 1, 0, 0, 1, 4)  # isutcnt isstdcnt leapcnt timecnt typecnt charcnt
        return b"TZif2" + b"\0" * 15 + counts + struct.pack(">lBB", 0, 0, 0) + b"UTC\0" + b"\0" + b"\0"
    return block() + block() + b"\nUTC0\n"


def build_base(arch):
    lb = layer_build()
    v = lb.versions()
    darch = "AMD64" if arch == "x86_64" else "ARM64"
    cache = os.environ.get("LAMBDA_NODE_CACHE", os.path.join(ROOT, ".toolchain/cache"))
    os.makedirs(cache, exist_ok=True)
    rie = os.path.join(ROOT, ".toolchain/rie", f"aws-lambda-rie-{arch}")
    if not os.path.exists(rie):
        subprocess.run([os.path.join(ROOT, "scripts/fetch-rie.sh"), arch, rie], check=True)

    fs = Rootfs()
    for key in ("LIBC6", "DASH", "BUSYBOX"):
        fs.add_deb(lb.deb_members(lb.fetch_deb(v, f"DEB_{key}_{darch}", cache)))
    fs.symlink("bin/sh", "dash")  # dash's package ships it too; say so rather than rely on it
    for tool in ("mv", "chmod"):
        fs.symlink(f"bin/{tool}", "busybox")
    for d in ("var/task", "var/runtime", "var/lang/bin", "opt", "usr/local/bin", "root", "etc"):
        fs.dir(d)
    fs.dir("tmp", 0o1777)
    fs.file("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\nsbx_user1051:x:993:990::/home/sbx_user1051:/sbin/nologin\n")
    fs.file("etc/group", b"root:x:0:\nsbx_user1051:x:990:\n")
    fs.file("etc/nsswitch.conf", b"passwd: files\ngroup: files\nhosts: files dns\n")
    # As on al2023: /etc/localtime links into zoneinfo, which is how ICU (Intl) names the zone "UTC".
    fs.file("usr/share/zoneinfo/UTC", utc_tzif())
    fs.symlink("usr/share/zoneinfo/Etc/UTC", "../UTC")
    fs.symlink("etc/localtime", "../usr/share/zoneinfo/UTC")
    fs.file("lambda-entrypoint.sh", open(os.path.join(HERE, "lambda-entrypoint.sh"), "rb").read(), 0o755)
    fs.file("usr/local/bin/aws-lambda-rie", open(rie, "rb").read(), 0o755)

    # The point of this image: the runtime's own libraries must come from its layer.
    banned = [p for p in fs.entries if os.path.basename(p).startswith(("libstdc++", "libgcc_s")) or os.path.basename(p) == "node"]
    if banned:
        sys.exit(f"image: the base image must not contain {banned}")

    ctx = os.path.join(ROOT, "build/image", f"base-{arch}")
    shutil.rmtree(ctx, ignore_errors=True)
    os.makedirs(ctx)
    fs.write(os.path.join(ctx, "rootfs.tar"))
    shutil.copyfile(os.path.join(HERE, "base.Dockerfile"), os.path.join(ctx, "Dockerfile"))
    digest = hashlib.sha256(open(os.path.join(ctx, "rootfs.tar"), "rb").read()).hexdigest()
    print(f"build/image/base-{arch}/rootfs.tar: {os.path.getsize(os.path.join(ctx, 'rootfs.tar')) / 1024 / 1024:.1f} MB, sha256 {digest}")
    tags = [f"lambda-node-base:al2023-{arch}", f"public.ecr.aws/lambda/provided:al2023-{arch}"]
    if arch == host_arch():
        tags += ["lambda-node-base:al2023", "public.ecr.aws/lambda/provided:al2023"]
    docker_build(ctx, tags, platform_arch=arch)


# ---- the container image base --------------------------------------------------------------

def unpack_zip(path, dest):
    """Unzips as Lambda unpacks a layer: the archive's Unix modes kept, symlinks as symlinks."""
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            target = os.path.join(dest, info.filename)
            if not os.path.realpath(target).startswith(os.path.realpath(dest)):
                sys.exit(f"image: unsafe path in {path}: {info.filename}")
            mode = info.external_attr >> 16
            if info.is_dir():
                os.makedirs(target, exist_ok=True)
                continue
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if stat.S_ISLNK(mode):
                os.symlink(z.read(info).decode(), target)
                continue
            with z.open(info) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            os.chmod(target, (mode & 0o777) or 0o644)


def build_node(arch, major, layer):
    v = layer_build().versions()
    version = v[f"NODE{major}_VERSION"]
    layer = layer or os.path.join(ROOT, "build/layer", f"lambda-node-node{major}-{arch}.zip")
    if not os.path.exists(layer):
        sys.exit(f"image: {layer} is missing (make layer ARCH={arch} NODE_MAJOR={major})")
    ctx = os.path.join(ROOT, "build/image", f"node{major}-{arch}")
    shutil.rmtree(ctx, ignore_errors=True)
    os.makedirs(ctx)
    unpack_zip(layer, os.path.join(ctx, "runtime"))
    shutil.copyfile(os.path.join(HERE, "node.Dockerfile"), os.path.join(ctx, "Dockerfile"))
    tags = [f"lambda-node:{version}-{arch}", f"lambda-node:{major}-{arch}"]
    if arch == host_arch():
        tags += [f"lambda-node:{version}", f"lambda-node:{major}"]
    docker_build(ctx, tags, build_args=[f"BASE=lambda-node-base:al2023-{arch}"], platform_arch=arch)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="what", required=True)
    b = sub.add_parser("base")
    b.add_argument("--arch", choices=["x86_64", "arm64"], required=True)
    n = sub.add_parser("node")
    n.add_argument("--arch", choices=["x86_64", "arm64"], required=True)
    n.add_argument("--node-major", type=int, choices=[22, 24], required=True)
    n.add_argument("--layer")
    a = ap.parse_args()
    if a.what == "base":
        build_base(a.arch)
    else:
        build_node(a.arch, a.node_major, a.layer)


if __name__ == "__main__":
    main()
