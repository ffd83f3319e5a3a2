import XCTest
@testable import CLIPHub

final class CLIPHubModuleTests: XCTestCase {
    func testModuleLinks() {
        XCTAssertTrue(true, "replaced by real tests of CLIPHub")
    }
}
