import CMSDaemon
import Testing

@Test func theDaemonIsCalledCmsd() {
    #expect(CMSDaemonInfo.name == "cmsd")
}
