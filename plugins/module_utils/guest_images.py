# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvm_guest's ``image``, ``image_vdev``, ``clone_from`` and ``redeploy``:
a guest whose boot disk holds an operating system, in the same task that
declares it.

    class GuestRun(GuestImagesMixin, Run):     # zvm_guest's run
        ...
        self.check_image_input()                          # before anything is read
        specs, clone = self.take_clone(specs, entry, ipl)  # the disk a copy makes
        self.plan_images(plan, name, before, predicted, new_vdevs, power_state, clone)
        out.update(self.image_report(plan, entry))

A disk gets the image when this run makes it (a new guest, or a new disk),
or with ``redeploy`` when it does not hold that image already; what a disk
holds is read from the ZVMCLOUD records of the guest's directory entry
(``images/records.py``), which the SDK writes.  ``clone_from`` has DirMaint
copy a golden guest's minidisk as the new disk (no access node).  Planning
reads (the image's metadata, the golden guest's entry) and decides; the
steps are SDK calls.  Nothing is written to a guest that is logged on.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils import validation
from ansible_collections.zvm.cloud.plugins.module_utils.errors import InputError
from ansible_collections.zvm.cloud.plugins.module_utils.images import records
from ansible_collections.zvm.cloud.plugins.module_utils.operations import entries, power
from ansible_collections.zvm.cloud.plugins.module_utils.planners import guests, images
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.deploy import deploy_targets
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.exceptions import SDKObjectNotExistError


def option_spec():
    """zvm_guest's image options (one guest's, and each item of ``guests``)."""
    return dict(
        image=dict(type='str'),
        image_vdev=dict(type='str'),
        clone_from=dict(type='dict', options=dict(guest=dict(type='str', required=True),
                                                  vdev=dict(type='str'))),
        redeploy=dict(type='bool', default=False),
    )


def as_written(texts):
    """Record texts as DirMaint stores them: in upper case (``records``
    reads them back regardless of case)."""
    return [t.upper() for t in texts]


class GuestImagesMixin:
    """The image options of zvm_guest's GuestRun (which has ``p``,
    ``where``, ``sdk``, ``session``, ``lookups`` and ``check``)."""

    image_transfer = None       # what the steps moved, added up

    @property
    def images_declared(self):
        return self.p.get('image') is not None or self.p.get('clone_from') is not None

    def check_image_input(self):
        """The options' form, before anything is read; InputError naming one."""
        p, where = self.p, self.where
        if p.get('image') is not None and p.get('clone_from') is not None:
            raise InputError('%simage: a guest gets its system from an image or from a copy of a golden guest\'s '
                             'disk (clone_from), not both' % where)
        if p.get('image') is not None:
            images.image_name(p['image'], where + 'image')
        if p.get('image_vdev') is not None:
            if not self.images_declared:
                raise InputError('%simage_vdev: only with image or clone_from' % where)
            validation.vdev(p['image_vdev'], where + 'image_vdev')
        if p.get('redeploy') and p.get('image') is None:
            raise InputError('%sredeploy: only with image' % where)
        clone = p.get('clone_from')
        if clone is not None:
            if not isinstance(clone, dict) or clone.get('guest') is None:     # '' is checked below, named
                raise InputError('%sclone_from: expected {guest: GOLDEN, vdev: "0100"}' % where)
            validation.userid(clone['guest'], where + 'clone_from.guest')
            if clone.get('vdev') is not None:
                validation.vdev(clone['vdev'], where + 'clone_from.vdev')

    # -- reads ---------------------------------------------------------------------------------------------
    def image_meta(self):
        """The declared image's metadata, read once per task."""
        name = self.p['image']
        try:
            found = self.lookups.get(('image', name.lower()), lambda: self.sdk.image_query(name))
        except SDKObjectNotExistError:
            raise InputError('%simage: %s is not in the image repository (zvm.cloud.zvm_image imports it)'
                             % (self.where, name))
        return found[0]

    def source_entry(self, userid):
        entry = self.lookups.get(('entry', userid), lambda: entries.query(self.session, userid))
        if entry is None:
            raise InputError('%sclone_from.guest: guest %s has no directory entry' % (self.where, userid))
        return entry

    # -- plan -----------------------------------------------------------------------------------------------
    def image_target(self, specs, entry, ipl):
        """The disk the image or copy goes to: ``image_vdev``, else the IPL
        disk, else the first disk, of the declared ``specs`` and the
        existing ``entry`` (None for a new guest)."""
        if self.p.get('image_vdev') is not None:
            return validation.vdev(self.p['image_vdev'], self.where + 'image_vdev')
        boot = [s['vdev'] for s in specs if s['is_boot_disk']]
        ipl = validation.ipl_device(ipl, self.where + 'ipl') if ipl else (boot[0] if boot else None)
        vdevs = [s['vdev'] for s in specs if s['kind'] != 'vdisk']
        if entry is not None:
            if ipl is None and entry.ipl is not None:
                ipl = entry.ipl.device
            vdevs = [m.vdev for m in entry.mdisks if m.disk_type not in ('vdisk', 'tdisk')] + vdevs
        if ipl in vdevs:
            return ipl
        return vdevs[0] if vdevs else None

    def take_clone(self, specs, entry, ipl):
        """(specs, clone): the declared disks to create less the one
        ``clone_from`` makes, and that copy's spec (None when there is no
        copy to make: no clone_from, or the guest has that disk already)."""
        clone = self.p.get('clone_from')
        if clone is None:
            return specs, None
        source = self.source_entry(validation.userid(clone['guest'], self.where + 'clone_from.guest'))
        source_vdev = validation.vdev(clone['vdev'], self.where + 'clone_from.vdev') if clone.get('vdev') else \
            images.deploy_target(source, field=self.where + 'clone_from')
        vdev = self.image_target(specs, entry, ipl) or source_vdev
        if entry is not None and entry.find_mdisk(vdev) is not None:
            return specs, None
        declared = [s for s in specs if s['vdev'] == vdev]
        spec = images.clone_spec(source, source_vdev, vdev, declared[0] if declared else None,
                                 self.p.get('disk_pool'), self.where + 'clone_from')
        return [s for s in specs if s['vdev'] != vdev], spec

    def plan_images(self, plan, name, before, predicted, new_vdevs, power_state, clone):
        """Add the copy (``clone``, from take_clone) and the deploy to
        ``plan``, and show their records in ``predicted``; ``before``: the
        entry as read (None for a new guest); ``new_vdevs``: the disks this
        run makes."""
        if not self.images_declared:
            return
        plan.result['transfer'] = None
        if clone is not None:
            self.check_image_off(name, power_state, 'clone_from', 'a copy of %s disk %s' % clone['source'])
            guests.add_predicted_disk(predicted, clone, '%sclone_from: disk %s' % (self.where, clone['vdev']))
            records.replace(predicted, clone['vdev'], as_written(records.clone_texts(clone['vdev'], *clone['source'])))
            plan.add('copy disk %s of %s as disk %s (in %s)' % (clone['source'][1], clone['source'][0],
                                                                clone['vdev'], clone['disk_pool']),
                     lambda: self.clone_disk(name, clone),
                     undo=lambda: self.sdk.guest_delete_disks(name, [clone['vdev']]))
            plan.result['transfer'] = images.KNOWN_AFTER_RUN
        if self.p.get('image') is not None:
            self.plan_deploy(plan, name, before, predicted, set(new_vdevs), power_state)

    def plan_deploy(self, plan, name, before, predicted, new_vdevs, power_state):
        p, where = self.p, self.where
        field = where + ('image_vdev' if p.get('image_vdev') else 'image')
        vdev = images.deploy_target(predicted, p.get('image_vdev'), field)
        deployed = records.deployed(before).get(vdev) if before is not None else None
        if vdev not in new_vdevs and not p.get('redeploy'):
            note = images.kept_note(vdev, p['image'], deployed)
            if note:
                plan.note(note)
            return
        meta = self.image_meta()
        write, note = images.plan_deploy(vdev, vdev in new_vdevs, meta, deployed, p.get('redeploy'))
        if note:
            plan.note(note)
        if not write:
            return
        self.check_image_off(name, power_state, 'image', 'image %s' % meta['imagename'])
        try:
            pairs = deploy_targets(predicted, meta, vdev)
        except SDKObjectNotExistError as e:
            raise InputError('%simage: %s (declare it in disks)' % (where, e))
        for target, disk in pairs:
            images.check_fits(predicted.find_mdisk(target), disk, meta['imagename'], where + 'image')
            if not disk.get('md5sum'):
                # an image of a z/VM Cloud Connector not used before: the SDK hashes it as it writes it
                plan.note('image %s has no md5sum in the repository yet: it is computed while the image is written, '
                          'so check mode cannot show the record of disk %s' % (meta['imagename'], target))
                continue
            records.replace(predicted, target, as_written(records.image_texts(target, meta['imagename'],
                                                                              disk['md5sum'])))
        others = [t for t, _d in pairs if t != vdev]
        plan.add('deploy image %s to disk %s%s' % (meta['imagename'], vdev, ' (and disks %s)' % ', '.join(others)
                                                   if others else ''),
                 lambda: self.deploy_image(name, meta['imagename'], vdev))
        plan.result['transfer'] = images.KNOWN_AFTER_RUN

    def check_image_off(self, name, power_state, field, what):
        if power_state == power.ON:
            raise InputError('%s%s: guest %s is logged on; %s is written to a guest that is off: stop it first '
                             '(state: stopped)' % (self.where, field, name, what))

    # -- steps --------------------------------------------------------------------------------------------------
    def clone_disk(self, name, clone):
        source, source_vdev = clone['source']
        self.sdk.guest_clone_disk(name, clone['vdev'], source, source_vdev, disk_pool=clone['disk_pool'],
                                  mode=clone['mode'])
        self.image_transfer = images.add_transfer(self.image_transfer, self.sdk.last_transfer)

    def deploy_image(self, name, image_name, vdev):
        self.sdk.guest_deploy(name, image_name, vdev=vdev)
        self.image_transfer = images.add_transfer(self.image_transfer, self.sdk.last_transfer)

    # -- report -------------------------------------------------------------------------------------------------
    def image_report(self, plan, entry):
        """The result keys: ``transfer`` and ``deployed`` (what the disks
        hold, from the entry's records); none when no image option is set."""
        if not self.images_declared:
            return {}
        held = records.deployed(entry) if entry is not None else {}
        done = plan.changed and not self.check
        return {'transfer': self.image_transfer if done else plan.result.get('transfer'),
                'deployed': [held[v] for v in sorted(held)]}
