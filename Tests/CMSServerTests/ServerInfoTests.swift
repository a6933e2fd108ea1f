import CMSServer
import Testing

@Test func theAPIIsServedUnderVersionOne() {
    #expect(CMSServerInfo.apiPrefix == "/api/v1")
}
