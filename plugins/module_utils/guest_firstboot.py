# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm_guest's first-boot options: ``networks``, ``hostname``,
``ssh_authorized_keys``, ``user_data``, ``config_drive``, ``os_version``,
``reconfigure`` and ``disks[].mount``, for a guest the task deploys
(``image`` or ``clone_from``, ``guest_images.py``).

    class GuestRun(GuestFirstbootMixin, GuestImagesMixin, Run):    # zvm_guest's run
        ...
        self.check_firstboot_input()                  # before anything is read
        specs = self.network_nic_specs(specs)          # the NICs networks declares, with the nics
        self.plan_firstboot(plan, name, before, predicted, power_state)   # after the deploy and NIC steps
        out.update(self.firstboot_report(plan, entry))
        diff['after'] += self.firstboot_diff(name)

The content is punched to the guest's reader (class X, read by the image's
zvmguestconfigure at boot) once: by the run that deploys the guest's system,
before the first start, and recorded in its directory entry (``* ZVMCLOUD
FIRSTBOOT digest``, ``firstboot/records.py``).  A later run with the same
content does nothing; with other content it warns, and punches again only
with ``reconfigure: true``.  The files are built while planning (no I/O,
``planners/firstboot.py``), so check mode and diff mode show them (user data
by its size and SHA-256 only).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.firstboot import distros, records
from ansible_collections.zvm.cloud.plugins.module_utils.operations import power
from ansible_collections.zvm.cloud.plugins.module_utils.planners import firstboot, nics
from ansible_collections.zvm.cloud.plugins.module_utils.planners.images import KNOWN_AFTER_RUN


def option_spec():
    """zvm_guest's first-boot options (one guest's, and each item of ``guests``)."""
    return dict(
        networks=dict(type='list', elements='dict', options=firstboot.network_option_spec()),
        hostname=dict(type='str'),
        ssh_authorized_keys=dict(type='list', elements='str', no_log=False),
        user_data=dict(type='str', no_log=True),
        config_drive=dict(type='bool', default=False),
        os_version=dict(type='str'),
        reconfigure=dict(type='bool', default=False),
    )


def as_written(text):
    """A record's text as DirMaint keeps it (upper case)."""
    return text.upper()


class GuestFirstbootMixin:
    """The first-boot options of zvm_guest's GuestRun (which has ``p``,
    ``where``, ``sdk``, ``check``, ``rollback``, ``images_declared`` and
    ``image_meta``)."""

    firstboot = None            # the planners.firstboot.Declaration, or None
    firstboot_files = None      # the ReaderFiles this run punches (or would), or None
    firstboot_punched = None    # what the run punched: [{'name', 'bytes', 'class', 'spoolid'}]

    def check_firstboot_input(self):
        """The options' form, before anything is read (InputError naming one)."""
        self.firstboot = firstboot.declaration(self.p, self.where, self.images_declared)
        return self.firstboot

    def network_nic_specs(self, specs):
        """The NIC declarations of ``nics`` (``specs``, None when not set)
        and of ``networks``: a NIC of ``networks`` that ``nics`` declares too
        is made as ``nics`` says (``networks`` may not set its vswitch,
        vlan_id, nic_id or mac_addr then)."""
        decl = self.firstboot
        if decl is None or decl.config is None:
            return specs
        out = list(specs or [])
        declared = set(s['vdev'] for s in out)
        for nic, spec in zip(decl.config.nics, decl.nic_specs()):
            if nic.vdev in declared:
                extra = [k for k in ('vswitch', 'vlan_id', 'nic_id', 'mac_addr') if decl.networks[nic.index - 1].get(k)]
                if extra:
                    raise InputError('%s%s: NIC %s is declared in nics too: set its %s there'
                                     % (nic.where, extra[0], nic.vdev, extra[0]))
                continue
            out.append(nics.normalize(spec, nic.where))
        return out

    # -- plan -------------------------------------------------------------------------------------------------
    def plan_firstboot(self, plan, name, before, predicted, power_state):
        """Punch the first-boot content (a step before the power steps) when
        this run deploys the guest's system, or when it changed and
        ``reconfigure`` is set; show its record in ``predicted``.  ``before``:
        the entry as read (None for a new guest)."""
        decl = self.firstboot
        if decl is None:
            return
        deploying = plan.result.get('transfer') is not None      # plan_images writes the system
        recorded = records.punched(before) if before is not None else None
        punch, note = firstboot.decide(decl, recorded, deploying, self.p.get('reconfigure'), name)
        if note:
            plan.note(note)
        if not punch:
            return
        for disk in decl.disks:
            if predicted.find_mdisk(disk.vdev) is None:     # pragma: no cover - every declared disk is predicted
                raise InputError('%svdev: guest %s has no disk %s' % (disk.where, name, disk.vdev))
        distro = self.firstboot_distro() if decl.needs_distro else None
        vdisks = [m.vdev for m in predicted.mdisks if m.disk_type == 'vdisk']
        files = firstboot.reader_files(decl, distro, name, [n.vdev for n in predicted.nics], vdisks)
        digest = decl.digest()
        records.replace(predicted, digest, as_written)
        self.firstboot_files = files
        plan.add_step(lambda: self.punch_firstboot(name, files, digest),
                      ['punch %s to the reader of %s' % (f.name, name) for f in files])
        if power_state == power.ON:
            plan.note('%s is running: it reads the new first-boot content at its next boot' % name)

    def firstboot_distro(self):
        """The Distro of the files: ``os_version``, else the image's."""
        decl = self.firstboot
        if decl.distro is not None:
            return decl.distro
        meta = self.image_meta()
        try:
            return distros.parse(meta.get('imageosdistro'), self.where + 'os_version')
        except InputError as e:
            raise InputError('%s (from image %s: set os_version)' % (e, meta.get('imagename')))

    # -- steps --------------------------------------------------------------------------------------------------
    def punch_firstboot(self, name, files, digest):
        """Punch ``files`` and record ``digest``; when a punch fails, the
        files punched before it stay in the reader (``rollback`` says so)."""
        punched = []
        try:
            self.sdk.guest_punch_firstboot(name, [(f.name, f.data) for f in files], digest, punched=punched)
        except Exception:
            if punched:
                self.rollback.append('reader files punched to %s before the failure stay in its reader: %s'
                                     % (name, ', '.join(p['name'] for p in punched)))
            raise
        self.firstboot_punched = [dict(f.view(), spoolid=p['spoolid']) for f, p in zip(files, punched)]

    # -- report -------------------------------------------------------------------------------------------------
    def firstboot_report(self, plan, entry):
        """``firstboot``: the digest of the declared content, the one the
        entry records, and the reader files punched (or, in check mode, to
        punch) with what they hold; none without first-boot options."""
        decl = self.firstboot
        if decl is None:
            return {}
        files = self.firstboot_files or []
        if self.firstboot_punched is not None and not self.check:
            punched = self.firstboot_punched
        else:
            punched = [dict(f.view(), spoolid=KNOWN_AFTER_RUN) for f in files]
        return {'firstboot': {'digest': decl.digest(),
                              'recorded': records.punched(entry) if entry is not None else None,
                              'punched': punched,
                              'files': dict((f.name, f.shown) for f in files)}}

    def firstboot_diff(self, name):
        """The reader files this run punches, for diff mode's ``after``."""
        return firstboot.diff_text(name, self.firstboot_files) if self.firstboot_files else ''
