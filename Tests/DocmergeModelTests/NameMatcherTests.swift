import DocmergeModel
import Testing

@Suite struct NameMatcherTests {
    /// The same person written differently: never below the 0.80 threshold.
    @Test(arguments: [
        ("Jane Q. Doe", "Jane Doe"),
        ("Doe, Jane", "Jane Doe"),
        ("DOE, JANE Q", "Jane Doe"),
        ("José García", "Jose Garcia"),
        ("María Luisa Razo", "Maria Luisa Razo"),
        ("Carla Echevarría", "CARLA ECHEVARRIA"),
        ("Isabella Isa Jones", "Isabella Jones"),
        ("O'Brien, Seán", "Sean OBrien"),
        ("Nguyen, Thanh V.", "Thanh Nguyen"),
        ("Bibi254 Schowalter414", "Bibi Schowalter"),
        ("Jon Smith", "John Smith"),
        ("Mary-Ann Lee", "Mary Ann Lee"),
        ("Zoë Ørsted", "Zoe Orsted"),
        ("Ünal Çelik", "Unal Celik"),
        ("Philip Jones", "Phillip Jones"),
        ("Catherine Smith", "Katherine Smith"),
        ("Jonathon Smith", "Jonathan Smith"),
        ("Bibi Schowalter", "Bibi Schowaltor"),
    ])
    func samePersonMatches(_ a: String, _ b: String) {
        #expect(NameMatcher.similarity(a, b) >= 0.80, "\(a) vs \(b): \(NameMatcher.similarity(a, b))")
    }

    /// A different person: below the threshold.
    @Test(arguments: [
        ("Jane Doe", "John Doe"),
        ("Robert Smith", "Maria Garcia"),
        ("Isabella Jones", "Wilma Crawford"),
        ("Kermit Trantow", "Dennis Durgan"),
        ("Maria Garcia", "Maria Lopez"),
        ("Li Wei", "Wang Fang"),
        // Relatives: the family name is shared, the given name is another one.
        ("James Doe", "Jane Q. Doe"),
        ("Joan Doe", "Jane Q. Doe"),
        ("Janet Doe", "Jane Q. Doe"),
        ("Joan Smith", "John Smith"),
        ("Mark Doe", "Mary Doe"),
        ("Josefina García-López", "José García-López"),
    ])
    func differentPersonDoesNot(_ a: String, _ b: String) {
        #expect(NameMatcher.similarity(a, b) < 0.80, "\(a) vs \(b): \(NameMatcher.similarity(a, b))")
    }

    /// The figures the README quotes for check 6.
    @Test(arguments: [
        ("Jon", "John", 0.93), ("Joan", "John", 0.75), ("James", "Jane", 0.60), ("Janet", "Jane", 0.75),
        ("Josefina", "José", 0.00), ("Philip", "Phillip", 0.97),
    ])
    func wordScoresAsDocumented(_ a: String, _ b: String, _ expected: Double) {
        #expect(abs(NameMatcher.similarity(a, b) - expected) < 0.005, "\(a) vs \(b): \(NameMatcher.similarity(a, b))")
    }

    @Test func isSymmetric() {
        #expect(NameMatcher.similarity("Jane Q Doe", "Doe Jane") == NameMatcher.similarity("Doe Jane", "Jane Q Doe"))
    }
}
