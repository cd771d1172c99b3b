# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zvmsim: a stateful z/VM simulator that speaks the SMAPI wire protocol."""

from zvmsim._bootstrap import ensure_collection_importable

ensure_collection_importable()
