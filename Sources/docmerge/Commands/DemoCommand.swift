struct DemoCommand: Command { static let name = "demo"; static let summary = "x"; static let usage = "x"; static func run(_ args: Arguments) async throws -> Int32 { 0 } }
