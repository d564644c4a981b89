# SPDX-License-Identifier: LGPL-2.1-or-later
"""A session with one board's ROM bootloader (stubflash/session.h) and the jobs that write,
verify and roll back (stubflash/job.h), as the command line runs them."""
from __future__ import annotations

import ctypes
import enum
import logging
import threading
import weakref
from dataclasses import dataclass
from typing import Any, Callable, List, Optional, Union

from . import _lib
from .errors import Error, StateError, check, error_for
from .image import Image, PathLike

_logger = logging.getLogger("stubflash")


class Phase(enum.IntEnum):
    """sf_phase: what a progress report counts."""
    CONNECT = 0
    ERASE = 1   #: erase units, not bytes
    WRITE = 2
    VERIFY = 3
    READ = 4


class UnitState(enum.IntEnum):
    """sf_unit_state: what a write does to each erase unit, in the order it happens."""
    PLANNED = 0
    UNCHANGED = 1
    ERASED = 2
    WRITING = 3
    WRITTEN = 4
    VERIFIED = 5
    FAILED = 6


class LogLevel(enum.IntEnum):
    """sf_log_level, with :attr:`logging_level` the matching level of the logging module."""
    ERROR = 0
    WARNING = 1
    INFO = 2
    DEBUG = 3

    @property
    def logging_level(self) -> int:
        """The logging module's level for this one."""
        return (logging.ERROR, logging.WARNING, logging.INFO, logging.DEBUG)[self]


#: progress(phase, done, total): done of total bytes (erase units in Phase.ERASE).
ProgressFn = Callable[[Phase, int, int], Any]
#: units(index, start, size, state): an erase unit changed state during a write.
UnitFn = Callable[[int, int, int, UnitState], Any]
#: log(level, message): a line of the session's log.
LogFn = Callable[[LogLevel, str], Any]


@dataclass(frozen=True)
class ChipInfo:
    """What the session learned about the chip (sf_chip), with its unique ID.

    Attributes:
        pid: product ID as Get ID returns it (0x414: F10x high density).
        name: the device table's name ("STM32F10xxx high density"), None if unknown.
        family: "F1", "F4", ... (None if unknown).
        flash_base: where flash starts (None if the chip is unknown).
        flash_size: bytes of flash (from F_SIZE where readable, else the table's).
        unit_count: erase units (pages or sectors) of that flash (0 if unknown).
        uid: the 96-bit unique ID as the chip's memory holds it (12 bytes, least significant
            first), None where the family has none known or it cannot be read.
        bootloader_version: as the ROM reports it, 0x22 for V2.2.
        commands: the command codes Get listed.
        readout_protected: readout protection (RDP) is on: read, write, erase and go refused.
        write_protection: the WRP word if the option bytes could be read (F1: bit n = 0
            protects unit group n), else None.
        stub_running: the RAM stub serves the session.
    """
    pid: int
    name: Optional[str]
    family: Optional[str]
    flash_base: Optional[int]
    flash_size: int
    unit_count: int
    uid: Optional[bytes]
    bootloader_version: int
    commands: bytes
    readout_protected: bool
    write_protection: Optional[int]
    stub_running: bool

    @property
    def uid_hex(self) -> Optional[str]:
        """The unique ID as ST prints it (most significant byte first, upper case): the name
        of the chip's backup folder."""
        return self.uid[::-1].hex().upper() if self.uid is not None else None

    @property
    def bootloader(self) -> str:
        """The bootloader version as "2.2"."""
        return f"{self.bootloader_version >> 4}.{self.bootloader_version & 15}"

    @property
    def write_protected(self) -> bool:
        """Some units are write-protected (False if the option bytes could not be read)."""
        return self.write_protection is not None and self.write_protection != 0xFFFFFFFF


@dataclass(frozen=True)
class JobResult:
    """What a write, verify or rollback did.

    Attributes:
        bytes: bytes of the image written or compared.
        backup_path: the backup kept (write) or written back (rollback), None if none.
        started_at: where the firmware was started, None if it was not.
    """
    bytes: int
    backup_path: Optional[str]
    started_at: Optional[int]


@dataclass(frozen=True)
class Backup:
    """One backup of a chip (backup.h), newest first in :meth:`Session.backups`."""
    path: str
    time: int        #: seconds since 1970 (UTC) when it was taken
    bytes: int       #: bytes of flash it holds
    restored: bool   #: written back already (a rollback skips it)


def _log_to_logging(level: LogLevel, message: str) -> None:
    _logger.log(level.logging_level, "%s", message)


class Session:
    """A connection to one board's bootloader.

    ::

        with stubflash.Session("/dev/ttyUSB0") as s:
            print(s.info().name)
            s.write("app.hex", progress=lambda phase, done, total: ...)

    The port opens on entering the ``with`` block (or :meth:`open`) and the session is closed
    and freed on leaving it (or :meth:`close`). Calls on one session run one at a time; the
    library works without the GIL, so other Python threads run meanwhile, and
    :meth:`cancel` may be called from any of them. Progress, unit and log callbacks run on the
    thread of the call; an exception raised in one cancels the operation and is raised by it.

    Args:
        port: "/dev/ttyUSB0", "tcp://HOST:PORT", "rfc2217://HOST:PORT" or "sim:PART?flash=FILE".
        baud: the bootloader's rate (default 115200).
        stub: load the RAM stub for writing (default yes where the family has one).
        stub_baud: the stub's rate: None for the fastest the port and chip accept (up to 3
            Mbaud, probed, and remembered per USB adapter), 0 to keep the bootloader's rate, or
            a rate.
        rate_memory: the file where the stub's rates are remembered per USB adapter: None for
            the library's default (~/.cache/stubflash/rates), "" to remember nothing.
        usart: the USART the chip's bootloader answers on (1, 2 or 3), for the stub; None for
            the first the device table lists for the chip (a Nucleo's ST-LINK port: 2).
        before: DTR/RTS/BREAK sequence (or preset such as "dtr-reset-rts-boot0") run when the
            port opens, to reset the chip into its bootloader (sf_session_set_entry).
        after: the sequence run when the session closes, to start the application.
        retries: attempts per block on a NACK or timeout (1..10; default 5).
        log: log(level, message) for the session's log lines; default: the "stubflash" logger
            of the logging module.
    """

    def __init__(self, port: str, baud: Optional[int] = None, stub: bool = True,
                 stub_baud: Optional[int] = None, before: Optional[str] = None,
                 after: Optional[str] = None, retries: Optional[int] = None,
                 log: Optional[LogFn] = None, usart: Optional[int] = None,
                 rate_memory: Optional[str] = None) -> None:
        self.port = port
        self.baud = baud
        self.stub = stub
        self.stub_baud = stub_baud
        self.usart = usart
        self.rate_memory = rate_memory
        self.before = before
        self.after = after
        self.retries = retries
        self._log: LogFn = log or _log_to_logging
        self._handle: Optional[int] = None
        self._op_lock = threading.RLock()       # one operation at a time (and close)
        self._handle_lock = threading.Lock()    # the handle against cancel() from elsewhere
        self._progress: Optional[ProgressFn] = None
        self._units: Optional[UnitFn] = None
        self._callback_error: Optional[BaseException] = None
        # The library keeps these pointers: they live as long as the session. They reach it
        # through a weak reference: ctypes' callbacks are invisible to the garbage collector,
        # so a strong one would keep a session that was dropped unclosed alive for ever.
        ref = weakref.ref(self)

        def on_progress(phase: int, done: int, total: int, _user: Any) -> None:
            me = ref()
            if me is not None:
                me._on_progress(phase, done, total)

        def on_unit(index: int, start: int, size: int, state: int, _user: Any) -> None:
            me = ref()
            if me is not None:
                me._on_unit(index, start, size, state)

        def on_log(level: int, message: bytes, _user: Any) -> None:
            me = ref()
            if me is not None:
                me._on_log(level, message)

        self._c_progress = _lib.PROGRESS_FN(on_progress)
        self._c_units = _lib.UNIT_FN(on_unit)
        self._c_log = _lib.LOG_FN(on_log)

    # -- life -------------------------------------------------------------------------------

    def open(self) -> "Session":
        """Create the library's session, apply the settings, open the port, synchronise with
        the bootloader and identify the chip. Raises :class:`stubflash.PortError`,
        :class:`stubflash.StubflashTimeout`, ... with the library's sentence."""
        with self._op_lock:
            if self._handle:
                raise StateError(f"{self.port}: the session is open already")
            h = _lib.session_p()
            check(_lib.lib.sf_session_new(ctypes.byref(h)), "out of memory")
            with self._handle_lock:
                self._handle = h.value
            try:
                s = self._handle
                _lib.lib.sf_session_set_log(s, self._c_log, None)
                if self.baud is not None:
                    self._check(_lib.lib.sf_session_set_baud(s, self.baud))
                stub_baud = _lib.SF_STUB_BAUD_AUTO if self.stub_baud is None else self.stub_baud
                self._check(_lib.lib.sf_session_set_stub(s, bool(self.stub), stub_baud))
                if self.usart is not None:
                    self._check(_lib.lib.sf_session_set_usart(s, self.usart))
                if self.rate_memory is not None:
                    self._check(_lib.lib.sf_session_set_rate_memory(s, self.rate_memory.encode()))
                if self.before is not None or self.after is not None:
                    self._check(_lib.lib.sf_session_set_entry(
                        s, None if self.before is None else self.before.encode(),
                        None if self.after is None else self.after.encode()))
                if self.retries is not None:
                    self._check(_lib.lib.sf_session_set_retries(s, self.retries))
                self._run(_lib.lib.sf_session_open, self.port.encode())
            except BaseException:
                self._free()
                raise
        return self

    def close(self) -> None:
        """Close the port (running the ``after`` sequence; a stub hands the chip back to the
        bootloader) and free the session. Waits for a running operation; closing twice is
        allowed."""
        with self._op_lock:
            self._free()

    def _free(self) -> None:
        with self._handle_lock:
            h, self._handle = self._handle, None
        if h:
            _lib.lib.sf_session_free(h)

    def __enter__(self) -> "Session":
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_handle", None) and _lib is not None:
            _lib.lib.sf_session_free(self._handle)
            self._handle = None

    @property
    def is_open(self) -> bool:
        """Whether the library's session exists (after :meth:`go` it does, with its port
        closed: only :meth:`close` is left to call)."""
        return bool(self._handle)

    def cancel(self) -> None:
        """Ask the running operation to stop at the next block; it raises
        :class:`stubflash.Cancelled`. Safe from any thread (and from a callback); a call
        started afterwards clears the request."""
        with self._handle_lock:
            if self._handle:
                _lib.lib.sf_session_cancel(self._handle)

    @property
    def last_error(self) -> str:
        """The library's sentence for the last error on this session ("" if none)."""
        h = self._handle
        return _lib.text(_lib.lib.sf_session_last_error(h)) if h else ""

    # -- callbacks ---------------------------------------------------------------------------

    def _callback_failed(self, e: BaseException) -> None:
        if self._callback_error is None:
            self._callback_error = e
        if self._handle:
            _lib.lib.sf_session_cancel(self._handle)

    def _on_progress(self, phase: int, done: int, total: int) -> None:
        fn = self._progress
        if fn is not None and self._callback_error is None:
            try:
                fn(Phase(phase), done, total)
            except BaseException as e:  # noqa: BLE001 - raised again by the call
                self._callback_failed(e)

    def _on_unit(self, index: int, start: int, size: int, state: int) -> None:
        fn = self._units
        if fn is not None and self._callback_error is None:
            try:
                fn(index, start, size, UnitState(state))
            except BaseException as e:  # noqa: BLE001
                self._callback_failed(e)

    def _on_log(self, level: int, message: bytes) -> None:
        try:
            self._log(LogLevel(level), _lib.text(message))
        except BaseException as e:  # noqa: BLE001
            self._callback_failed(e)

    # -- calls ---------------------------------------------------------------------------------

    def _session(self) -> int:
        h = self._handle
        if not h:
            raise StateError(f"{self.port}: the session is not open (use 'with Session(...)' "
                             "or open())")
        return h

    def _check(self, code: int) -> None:
        if code != _lib.SF_OK:
            raise error_for(code, self.last_error)

    def _run(self, fn: Callable[..., int], *args: Any, progress: Optional[ProgressFn] = None,
             units: Optional[UnitFn] = None, job: Optional[int] = None) -> None:
        """Call fn(job?, session, *args) with the callbacks in place; raise its error, or the
        exception a callback raised."""
        with self._op_lock:
            s = self._session()
            self._progress, self._units, self._callback_error = progress, units, None
            lib = _lib.lib
            lib.sf_session_set_progress(s, self._c_progress if progress else _lib.PROGRESS_FN(), None)
            lib.sf_session_set_unit_callback(s, self._c_units if units else _lib.UNIT_FN(), None)
            try:
                code = fn(job, s, *args) if job is not None else fn(s, *args)
            finally:
                self._progress = self._units = None
            if self._callback_error is not None:
                e, self._callback_error = self._callback_error, None
                raise e
            self._check(code)

    def info(self) -> ChipInfo:
        """The chip: product ID, name, flash, unique ID, bootloader and protection."""
        with self._op_lock:
            chip = _lib.chip_init()
            self._check(_lib.lib.sf_session_chip(self._session(), ctypes.byref(chip)))
            dev = chip.device.contents if chip.device else None
            uid = None
            if dev is not None and not chip.protection.readout:
                uid_addr = _lib.lib.sf_device_uid_address(chip.device)
                if uid_addr:
                    try:
                        uid = self.read(uid_addr, 12)
                    except Error:
                        uid = None
            return ChipInfo(
                pid=chip.pid,
                name=_lib.text(dev.name) if dev else None,
                family=_lib.text(dev.family) if dev else None,
                flash_base=dev.flash_base if dev else None,
                flash_size=chip.flash_size,
                unit_count=int(_lib.lib.sf_device_unit_count(chip.device, chip.flash_size)) if dev else 0,
                uid=uid,
                bootloader_version=chip.bootloader_version,
                commands=bytes(chip.commands[:chip.command_count]),
                readout_protected=bool(chip.protection.readout),
                write_protection=chip.protection.wrp if chip.protection.known_wrp else None,
                stub_running=bool(chip.stub_running),
            )

    @property
    def boot_address(self) -> int:
        """Where the chip boots from with BOOT0 low: its flash base."""
        addr = ctypes.c_uint32()
        with self._op_lock:
            self._check(_lib.lib.sf_session_boot_address(self._session(), ctypes.byref(addr)))
        return addr.value

    def _image(self, image: Union[Image, PathLike, bytes], address: Optional[int]):
        if address is None and not isinstance(image, Image):
            address = self.boot_address
        return Image.coerce(image, address)

    def _job(self, fn: Callable[..., int], image: Optional[Image], flags: int,
             go_address: Optional[int], backup_root: Optional[PathLike],
             progress: Optional[ProgressFn], units: Optional[UnitFn],
             extra: tuple = ()) -> JobResult:
        job = _lib.job_p()
        check(_lib.lib.sf_job_new(ctypes.byref(job)), "out of memory")
        try:
            check(_lib.lib.sf_job_set_flags(job, flags))
            check(_lib.lib.sf_job_set_go_address(
                job, _lib.SF_GO_BOOT_ADDRESS if go_address is None else go_address))
            if backup_root is not None:
                check(_lib.lib.sf_job_set_backup_root(job, _lib.path_bytes(backup_root)))
            args = (image.handle,) if image is not None else extra
            self._run(fn, *args, progress=progress, units=units, job=job.value)
            path = _lib.text(_lib.lib.sf_job_backup_path(job))
            started = _lib.lib.sf_job_started_at(job)
            return JobResult(bytes=int(_lib.lib.sf_job_bytes(job)), backup_path=path or None,
                             started_at=started or None)
        finally:
            _lib.lib.sf_job_free(job)

    def write(self, image: Union[Image, PathLike, bytes], address: Optional[int] = None,
              verify: bool = True, progress: Optional[ProgressFn] = None,
              units: Optional[UnitFn] = None, backup: Union[bool, PathLike] = True,
              go: bool = False, go_address: Optional[int] = None, force: bool = False,
              data: bool = False) -> JobResult:
        """Write firmware as ``stubflash write`` does (sf_job_write): check it fits and looks
        like firmware for this chip, keep what it replaces, write only the units it touches,
        verify, and start it if asked.

        Args:
            image: an :class:`Image`, a file (binary, HEX, S-record, ELF; gzip too) or bytes.
            address: where a raw binary or bytes go (default: the chip's flash base).
            verify: check the written flash (by CRC through the stub, else read back).
            progress: progress(phase, done, total), called on this thread.
            units: units(index, start, size, state) for each erase unit the write touches.
            backup: keep what the write replaces (True: in the default folder, a path: under
                that root; False: no backup).
            go: start the firmware afterwards (at go_address, default the boot address);
                that closes the port.
            force: write even what does not look like firmware for this chip.
            data: the image is data (no vector-table checks).

        Raises :class:`stubflash.FitError` if it does not fit, :class:`stubflash.FileError`
        if it does not look like firmware, :class:`stubflash.Cancelled`, ...
        """
        flags = ((_lib.SF_JOB_VERIFY if verify else 0) | (_lib.SF_JOB_BACKUP if backup else 0)
                 | (_lib.SF_JOB_GO if go else 0) | (_lib.SF_JOB_FORCE if force else 0)
                 | (_lib.SF_JOB_DATA if data else 0))
        root = None if isinstance(backup, bool) else backup
        img, owned = self._image(image, address)
        try:
            return self._job(_lib.lib.sf_job_write, img, flags, go_address, root, progress, units)
        finally:
            if owned:
                img.close()

    def verify(self, image: Union[Image, PathLike, bytes], address: Optional[int] = None,
               progress: Optional[ProgressFn] = None, go: bool = False,
               go_address: Optional[int] = None) -> JobResult:
        """Compare the chip's flash with image (sf_job_verify), then start it if go.
        :class:`stubflash.VerifyError` names the first differing address."""
        img, owned = self._image(image, address)
        try:
            return self._job(_lib.lib.sf_job_verify, img, _lib.SF_JOB_GO if go else 0,
                             go_address, None, progress, None)
        finally:
            if owned:
                img.close()

    def rollback(self, backup_root: Optional[PathLike] = None,
                 progress: Optional[ProgressFn] = None) -> JobResult:
        """Write back the newest backup of this chip not yet restored (sf_job_rollback);
        :class:`stubflash.FileError` if there is none. ``backup_path`` of the result is the
        file written back."""
        return self._job(_lib.lib.sf_job_rollback, None, 0, None, backup_root, progress, None)

    def restore(self, backup_path: PathLike, progress: Optional[ProgressFn] = None) -> JobResult:
        """Write a backup file back, verified, and mark it restored (sf_job_restore)."""
        return self._job(_lib.lib.sf_job_restore, None, 0, None, None, progress, None,
                         extra=(_lib.path_bytes(backup_path),))

    def backups(self, backup_root: Optional[PathLike] = None) -> List[Backup]:
        """This chip's backups, newest first (an empty list if there are none)."""
        lst = _lib.backup_list_p()
        with self._op_lock:
            self._check(_lib.lib.sf_backup_list_open(
                self._session(), None if backup_root is None else _lib.path_bytes(backup_root),
                ctypes.byref(lst)))
        try:
            lib = _lib.lib
            return [Backup(path=_lib.text(lib.sf_backup_list_path(lst, i)),
                           time=int(lib.sf_backup_list_time(lst, i)),
                           bytes=int(lib.sf_backup_list_bytes(lst, i)),
                           restored=bool(lib.sf_backup_list_restored(lst, i)))
                    for i in range(lib.sf_backup_list_count(lst))]
        finally:
            _lib.lib.sf_backup_list_free(lst)

    def read(self, address: int, size: int, progress: Optional[ProgressFn] = None) -> bytes:
        """Read size bytes of memory (flash, RAM, system memory, option bytes) at address."""
        buf = (ctypes.c_uint8 * size)()
        self._run(_lib.lib.sf_session_read, address, buf, size, progress=progress)
        return bytes(buf)

    def erase(self, address: Optional[int] = None, size: Optional[int] = None, all: bool = False,
              progress: Optional[ProgressFn] = None) -> None:
        """Erase the units covering [address, address + size) (address default: the flash
        base), or with all=True the whole flash (mass erase)."""
        if all:
            if address is not None or size is not None:
                raise error_for(_lib.SF_ERR_ARG, "erase: all=True takes no address or size")
            self._run(_lib.lib.sf_session_mass_erase, progress=progress)
            return
        if size is None:
            raise error_for(_lib.SF_ERR_ARG, "erase: give a size (or all=True for the whole flash)")
        if address is None:
            address = self.boot_address
        self._run(_lib.lib.sf_session_erase_range, address, size, progress=progress)

    def go(self, address: Optional[int] = None) -> None:
        """Start code: SP from address, PC from address + 4 (default: the boot address). The
        bootloader no longer answers: the port is closed, only :meth:`close` is left."""
        self._run(_lib.lib.sf_session_go, _lib.SF_GO_BOOT_ADDRESS if address is None else address)

    def reset(self) -> None:
        """Reset the chip (its bootloader runs again if BOOT0 is high); the session stays open."""
        self._run(_lib.lib.sf_session_reset)

    def __repr__(self) -> str:
        return f"<stubflash.Session {self.port!r} {'open' if self._handle else 'closed'}>"
