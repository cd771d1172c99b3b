# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The check-mode and diff-mode attributes of zvm.cloud modules.

    ``zvm.cloud.attributes`` is for modules that change things (check mode
    predicts, diff mode shows before and after), ``zvm.cloud.attributes.facts``
    for read-only modules; the action group and the platform come with
    ``zvm.cloud.smapi``.  A module may give an attribute a description of
    its own.
    """

    DOCUMENTATION = r'''
attributes:
  check_mode:
    description: Predicts exactly what would change, and what the result would be, without any SMAPI write.
    support: full
  diff_mode:
    description: Returns the resource before and after the change (passwords masked).
    support: full
'''

    FACTS = r'''
attributes:
  check_mode:
    description: Reads only, so it runs the same in check mode.
    support: full
  diff_mode:
    description: Changes nothing, so there is no diff.
    support: none
  facts:
    description: Returns its information in RV(ansible_facts.zvm).
    support: full
'''
