# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``tools/bench images``: deploy and capture of an image through the
access node, against the plain copy of the same bytes on the same machine.

On a zvmsim with its access node (``zvmsim/node``): an image of
``--size-mb`` MiB of disk data (a third random, a third repeated text, a
third zeroes, 1 MiB at a time: roughly how a Linux root disk compresses) is
imported into the repository, then, ``--repeat`` times each, alternating
with the baselines so the page cache treats both alike:

- deploy: ``SDKAPI.guest_deploy`` (what zvm_guest's ``image`` calls) to a
  logged-off guest's disk, with the node run here and over a real OpenSSH
  server (NodeSshd); baseline ``zcat data.gz > target`` of the same gzip
  data, then an fsync of the target (the deploy syncs the disk);
- capture: ``SDKAPI.guest_capture`` at gzip level 6 (what zvm_image's
  ``capture_from`` calls); baseline ``gzip -6 < disk > out`` and an fsync.

The figures: MB/s (10**6 bytes of disk data a second) and the ratio of the
median times to the baseline's (target: 1.15 or less), end to end (the
links, the CP commands, the directory record and the repository's metadata
included) and for the transfer alone (the agent's own time).  Run
``tools/bench images --size-mb 64`` for a quick look.
"""

import hashlib
import os
import shutil
import statistics
import subprocess
import tempfile
import time

CHUNK = 1 << 20
CYL = 737280
TEXT = b'Lorem ipsum dolor sit amet, consectetur adipiscing elit; /usr/lib64/libc.so.6 ELF 64-bit\n'


def _payload_chunk(i):
    kind = i % 3
    if kind == 0:
        return os.urandom(CHUNK)
    if kind == 1:
        return (TEXT * (CHUNK // len(TEXT) + 1))[:CHUNK]
    return bytes(CHUNK)


def make_image(workdir, size_mb, fmt):
    """(raw disk data path, gzip data path, image path, cylinders)."""
    raw = os.path.join(workdir, 'disk.raw')
    with open(raw, 'wb') as out:
        for i in range(size_mb):
            out.write(_payload_chunk(i))
    data_gz = os.path.join(workdir, 'data.gz')
    with open(raw, 'rb') as src, open(data_gz, 'wb') as dst:
        subprocess.run(['gzip', '-6', '-c'], stdin=src, stdout=dst, check=True)
    cylinders = -(-size_mb * CHUNK // CYL)
    image = os.path.join(workdir, 'bench.img')
    with open(image, 'wb') as out, open(data_gz, 'rb') as src:
        out.write(fmt.build_header(fmt.CKD_BLOCKS, cylinders, 'CYL', 6))
        shutil.copyfileobj(src, out, CHUNK)
    return raw, data_gz, image, cylinders


def _synced(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def baseline_deploy(data_gz, target):
    start = time.monotonic()
    with open(data_gz, 'rb') as src, open(target, 'wb') as dst:
        subprocess.run(['zcat'], stdin=src, stdout=dst, check=True)
    _synced(target)
    return time.monotonic() - start


def baseline_capture(disk, out_path):
    start = time.monotonic()
    with open(disk, 'rb') as src, open(out_path, 'wb') as dst:
        subprocess.run(['gzip', '-6'], stdin=src, stdout=dst, check=True)
    _synced(out_path)
    return time.monotonic() - start


def _figures(times, nbytes):
    median = statistics.median(times)
    return {'seconds': [round(t, 2) for t in times], 'median_seconds': round(median, 3),
            'mb_per_s': round(nbytes / median / 1e6, 1)}


def _ratio(ours, base):
    return round(statistics.median(ours) / statistics.median(base), 3)


class _AgentTimes:
    """Wraps an AccessNode's ``agent`` to keep the seconds each verb took."""

    def __init__(self, node):
        self.node, self.seconds = node, {}
        inner = node.agent

        def agent(verb, *args, **kwargs):
            start = time.monotonic()
            try:
                return inner(verb, *args, **kwargs)
            finally:
                self.seconds.setdefault(verb, []).append(time.monotonic() - start)
        node.agent = agent

    def last(self, verb):
        return self.seconds[verb][-1]


def run_mode(mode, sdk, node_times, guest, disk, data_gz, nbytes, workdir, repeat):
    """Deploy and capture ``repeat`` times each through ``sdk``, with the baselines in between."""
    deploy, deploy_transfer, deploy_base = [], [], []
    capture, capture_transfer, capture_base = [], [], []
    target, out = os.path.join(workdir, 'baseline.target'), os.path.join(workdir, 'baseline.gz')
    for n in range(repeat):
        deploy_base.append(baseline_deploy(data_gz, target))
        start = time.monotonic()
        sdk.guest_deploy(guest, 'bench')
        deploy.append(time.monotonic() - start)
        deploy_transfer.append(node_times.last('write-image'))
        capture_base.append(baseline_capture(disk, out))
        start = time.monotonic()
        sdk.guest_capture(guest, 'cap-%s-%d' % (mode, n), compress_level=6, os_version='rhel9')
        capture.append(time.monotonic() - start)
        capture_transfer.append(node_times.last('read-image'))
        sdk.image_delete('cap-%s-%d' % (mode, n))
    for path in (target, out):
        os.remove(path)
    return {
        'deploy': dict(_figures(deploy, nbytes), transfer=_figures(deploy_transfer, nbytes),
                       ratio=_ratio(deploy, deploy_base), transfer_ratio=_ratio(deploy_transfer, deploy_base)),
        'deploy_baseline_zcat': _figures(deploy_base, nbytes),
        'capture': dict(_figures(capture, nbytes), transfer=_figures(capture_transfer, nbytes),
                        ratio=_ratio(capture, capture_base), transfer_ratio=_ratio(capture_transfer, capture_base)),
        'capture_baseline_gzip6': _figures(capture_base, nbytes),
    }


def bench_images(args, sim_server_class, report):
    """Deploy and capture of a ``--size-mb`` MiB image through the access
    node, here and over SSH, against ``zcat``/``gzip -6`` of the same bytes."""
    from ansible_collections.zvm.cloud.plugins.module_utils.images import format as fmt
    from ansible_collections.zvm.cloud.plugins.module_utils.node.access import AccessNode
    from ansible_collections.zvm.cloud.plugins.module_utils.node.runner import LocalRunner, SshRunner
    from ansible_collections.zvm.cloud.plugins.module_utils.sdk.api import SDKAPI
    from zvmsim import contents
    from zvmsim.node.sshd import NodeSshd

    workdir = tempfile.mkdtemp(prefix='zvm-bench-images-')
    try:
        raw, data_gz, image, cylinders = make_image(workdir, args.size_mb, fmt)
        nbytes = args.size_mb * CHUNK
        config = {'power': {'soft_stop_seconds': 0}}     # POOL1 of the default system: 60,102 cylinders
        with sim_server_class(config=config, state_dir=os.path.join(workdir, 'state')) as sim:
            node_dir = sim.node()
            device_dir = os.path.join(node_dir, 'dev', 'disk', 'by-path')
            repository = os.path.join(workdir, 'images')
            os.makedirs(repository)
            env = dict(os.environ, **sim.node_env(node_dir))

            def make_sdk(runner, ssh=None):
                node = AccessNode(runner, device_dir=device_dir, repository=repository, ssh=ssh)
                return SDKAPI(host='127.0.0.1', port=sim.port, userid='MAINT', password='MAINT', node=node), node

            local, local_node = make_sdk(LocalRunner(env=env))
            started = time.monotonic()
            local.image_import('bench', 'file://' + image, {'os_version': 'rhel9'})
            import_seconds = time.monotonic() - started
            disk = [{'vdev': '0100', 'size': str(cylinders), 'disk_pool': 'ECKD:POOL1', 'is_boot_disk': True}]
            local.guest_create('BENCHL', 1, 512, disk_list=disk)
            local.guest_create('BENCHS', 1, 512, disk_list=disk)
            result = {'benchmark': 'deploy and capture through the access node vs zcat / gzip -6 of the same bytes',
                      'size_mb': args.size_mb, 'disk_bytes': nbytes, 'cylinders': cylinders,
                      'image_bytes': os.path.getsize(image), 'repeat': args.repeat,
                      'import_seconds': round(import_seconds, 2)}
            result['local'] = run_mode('local', local, _AgentTimes(local_node), 'BENCHL',
                                       contents.path(sim.state_dir, 'BENCHL', '0100'), data_gz, nbytes, workdir,
                                       args.repeat)
            with open(raw, 'rb') as fh:
                want = hashlib.md5(fh.read()).hexdigest()
            got = hashlib.md5(sim.disk_bytes('BENCHL', '0100', length=nbytes)).hexdigest()
            result['deployed_bytes_match'] = want == got
            if args.no_ssh:
                result['ssh'] = 'skipped (--no-ssh)'
            else:
                with NodeSshd(node_dir, sim.state_dir) as sshd:
                    runner = SshRunner(sshd.host, port=sshd.port, user=sshd.user, key_file=sshd.client_key,
                                       known_hosts=sshd.known_hosts)
                    ssh_sdk, ssh_node = make_sdk(runner, ssh={'user': sshd.user, 'key_file': sshd.client_key,
                                                              'known_hosts': sshd.known_hosts})
                    try:
                        result['ssh'] = run_mode('ssh', ssh_sdk, _AgentTimes(ssh_node), 'BENCHS',
                                                 contents.path(sim.state_dir, 'BENCHS', '0100'), data_gz, nbytes,
                                                 workdir, args.repeat)
                    finally:
                        ssh_node.close()
            result['links_left'] = len(sim.node_links())
        ratios = [result[m][k]['ratio'] for m in ('local', 'ssh') if isinstance(result[m], dict)
                  for k in ('deploy', 'capture')]
        transfer = [result[m][k]['transfer_ratio'] for m in ('local', 'ssh') if isinstance(result[m], dict)
                    for k in ('deploy', 'capture')]
        result['summary'] = {'worst_ratio': max(ratios), 'worst_transfer_ratio': max(transfer), 'target': 1.15,
                             'within_target': max(ratios) <= 1.15}
        report(result, 'images')
        if not result['deployed_bytes_match']:
            raise SystemExit('images: the deployed disk does not hold the image data')
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def add_parser(sub, sim_server_class, report):
    p = sub.add_parser('images', help=bench_images.__doc__)
    p.add_argument('--size-mb', type=int, default=1024, help='MiB of disk data in the image (default 1024)')
    p.add_argument('--repeat', type=int, default=3, help='deploys and captures per mode; the median counts')
    p.add_argument('--no-ssh', action='store_true', help='only the node run here')
    p.set_defaults(func=lambda args: bench_images(args, sim_server_class, report))
    return p
