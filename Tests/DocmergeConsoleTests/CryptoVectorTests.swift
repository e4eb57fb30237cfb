import DocmergeConsole
import DocmergeModel
import Testing

@Suite struct CryptoVectorTests {
    static func hex(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var chars = Array(text.utf8.filter { $0 != 0x20 })
        while chars.count >= 2 {
            out.append(UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16)!)
            chars.removeFirst(2)
        }
        return out
    }

    /// RFC 4231 test cases 1, 2, 3 and 6 (a key longer than the block).
    @Test(arguments: [
        (Array(repeating: UInt8(0x0b), count: 20), Array("Hi There".utf8),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (Array(repeating: UInt8(0xaa), count: 20), Array(repeating: UInt8(0xdd), count: 50),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        (Array(repeating: UInt8(0xaa), count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
    ])
    func hmacRFC4231(key: [UInt8], message: [UInt8], expected: String) {
        #expect(HMACSHA256.authenticate(key: key, message: message).hexString == expected)
    }

    /// RFC 7914 §11 (PBKDF2-HMAC-SHA256, 64 bytes: two blocks) and the common "password"/"salt" vectors.
    @Test func pbkdf2Vectors() {
        #expect(PBKDF2.sha256(password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1, length: 64).hexString
                == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783")
        #expect(PBKDF2.sha256(password: Array("password".utf8), salt: Array("salt".utf8), iterations: 1).hexString
                == "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b")
        #expect(PBKDF2.sha256(password: Array("password".utf8), salt: Array("salt".utf8), iterations: 2).hexString
                == "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43")
        #expect(PBKDF2.sha256(password: Array("password".utf8), salt: Array("salt".utf8), iterations: 4096).hexString
                == "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a")
    }

    @Test func passwordHashVerifiesOnlyTheRightPassword() throws {
        let hash = try PasswordHash.make(password: "correct horse battery", iterations: 1_000)
        #expect(hash.salt.count == 16 && hash.key.count == 32)
        #expect(hash.verify("correct horse battery"))
        #expect(!hash.verify("correct horse batterY"))
        #expect(!hash.verify(""))
        let other = try PasswordHash.make(password: "correct horse battery", iterations: 1_000)
        #expect(other.salt != hash.salt && other.key != hash.key, "each account has its own salt")
        #expect(PasswordHash.weakness("short") != nil)
    }

    @Test func kernelTokensAreFreshAndHex() throws {
        let a = try KernelRandom.token(32), b = try KernelRandom.token(32)
        #expect(a.utf8.count == 64 && a != b)
        #expect(a.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
    }
}
