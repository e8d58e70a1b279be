# Copyright: eks_tools.eksctl contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils file is PRIVATE to the eks_tools.eksctl collection.
# It may change or disappear at any time without notice.

"""One cluster's recording across its sources: the object the scaler asks, and the only one that touches a store.

The sources, in order of precedence per nodegroup: ``restore_capacity`` (sizes the user gave), the host fact given back
in ``recordings``, then each durable store (the file, the SSM parameter). A stop writes its recording to every durable
store before its first write; a start marks what it restores, then spends what it restored, in every durable store.
Nothing is written in check mode, and a store is never written with what was not spent.
"""

from __future__ import annotations

import typing as t

from .document import EMPTY, ClusterRecording, facts_document
from .file import RecordingError
from .policy import apply_stop, mark_restoring, merge


class RecordingOptions(t.NamedTuple):
    """The module's options about the recording, checked: sizes given in restore_capacity, the host fact given back, the
    file (None: no file) and the SSM prefix (None: no SSM parameter)."""

    given: ClusterRecording = EMPTY
    facts: t.Mapping[str, ClusterRecording] = {}
    path: str | None = None
    ssm_prefix: str | None = None


class Store(t.Protocol):
    name: str

    def load(self, key: str) -> ClusterRecording:
        """The cluster's recording in this store (EMPTY when none); RecordingError when it cannot be read."""

    def update(self, key: str, change: t.Callable[[ClusterRecording], ClusterRecording]) -> ClusterRecording:
        """Apply ``change`` to what the store holds for the cluster; returns what it holds after."""


class RecordingKeeper:
    def __init__(self, *, given: ClusterRecording = EMPTY, facts: t.Mapping[str, ClusterRecording] | None = None,
                 stores: t.Sequence[Store] = (), check_mode: bool = False) -> None:
        self.given = given
        self.facts = dict(facts or {})
        self.stores = list(stores)
        self.check_mode = check_mode
        self.warnings: list[str] = []
        self.unreadable: set[str] = set()  # stores a start went on without: never written, their copy may be the only one

    def load(self, key: str, *, stopping: bool, needed: t.Callable[[ClusterRecording], bool] = lambda recording: False) -> ClusterRecording:
        """The cluster's recording, merged from every source.

        A stop never goes past a store it cannot read: it would write over what may be the only copy of earlier sizes. A
        start goes on without an unreadable store, with a warning, unless ``needed`` says the other sources leave a
        stopped nodegroup without sizes."""
        sources = [self.given, self.facts.get(key, EMPTY)]
        failures: list[RecordingError] = []
        for store in self.stores:
            try:
                sources.append(store.load(key))
            except RecordingError as exc:
                if stopping:
                    raise
                failures.append(exc)
                self.unreadable.add(store.name)
        recording = merge(*sources)
        if failures and needed(recording):
            raise failures[0]
        self.warnings += ["%s; it was not needed, every stopped nodegroup's sizes were found elsewhere" % exc.msg for exc in failures]
        return recording

    def _update_all(self, key: str, change: t.Callable[[ClusterRecording], ClusterRecording]) -> ClusterRecording:
        """Every durable store changed; the stores' recordings merged (the first store's wins per nodegroup)."""
        return merge(*(store.update(key, change) for store in self.stores)) if self.stores else EMPTY

    def _update_each(self, key: str, change: t.Callable[[ClusterRecording], ClusterRecording], consequence: str) -> None:
        """Every durable store changed where it can be; one that cannot is a warning naming the ``consequence``."""
        for store in self.stores:
            if store.name in self.unreadable:
                continue
            try:
                store.update(key, change)
            except RecordingError as exc:
                self.warnings.append("%s; %s" % (exc.msg, consequence))

    def record_stop(self, key: str, recording: ClusterRecording, fresh: t.Collection[str]) -> ClusterRecording:
        """Before a stop's first write: its recording into every durable store. Returns the recording to report, which holds
        what a concurrent stop recorded first for the nodegroups this one found already stopped."""
        if self.check_mode:
            return recording
        stored = self._update_all(key, lambda held: apply_stop(held, recording, fresh))
        return merge(stored, recording) if self.stores else recording

    def mark_restoring(self, key: str, names: t.Collection[str], at: str, recording: ClusterRecording) -> ClusterRecording:
        """Before a start's first write: the nodegroups it restores marked in every durable store that can be changed (a
        start never fails for a mark: it only tells a rerun which restores were its own)."""
        if not self.check_mode and names:
            self._update_each(key, lambda held: mark_restoring(held, names, at),
                              "a rerun after an interrupted start could not tell its own restores from someone else's")
        return mark_restoring(recording, names, at)

    def spend(self, key: str, names: t.Collection[str], *, autoscalers: bool = False) -> None:
        """After a start: the recordings it spent (and, once given back, what a pause recorded) leave every durable store. A store
        that cannot be changed is a warning: the nodegroups run, and a recording left behind only makes the next start find them
        running."""
        if not self.check_mode and (names or autoscalers):
            self._update_each(key, lambda held: held.without(names, autoscalers=autoscalers),
                              "the nodegroups were started, but their recording is still there")

    def fact(self, key: str, recording: ClusterRecording) -> dict[str, dict[str, t.Any]]:
        """The host fact ``eks_recordings``: the clusters given back, with this cluster's recording (gone when empty)."""
        return facts_document(dict(self.facts, **{key: recording}))
