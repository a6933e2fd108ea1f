import Testing

extension Tag {
    /// Socketless: in-memory devices, in-memory stores and source, a manual clock. `make test-core` runs these.
    @Tag static var core: Self
    /// Real peers over loopback sockets (nxr-sim over SSH, CRP over UDP, git, sshd). Run by `make test`.
    @Tag static var peer: Self
}
