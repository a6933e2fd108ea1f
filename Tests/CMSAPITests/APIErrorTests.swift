import CMSAPI
import Testing

@Test func aNotFoundErrorNamesWhatWasMissingAndCarries404() {
    let error = APIError.notFound("device", "ebisu")
    #expect(error.status == 404)
    #expect(error.code == "device-not-found")
    #expect(error.description == "device-not-found: no device 'ebisu'")
}
