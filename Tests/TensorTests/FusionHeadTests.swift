import Models
import Tensor
import XCTest

/// The sum, FiLM and gated fusion heads against PyTorch (float64 reference, see
/// tools/make_fusion_fixtures.py): fused logits, d(features), every parameter gradient and the
/// uni-modal logits (the head with every other modality's features zeroed). Errors are
/// max |ours − torch| / max |torch| per tensor.
///
/// Tolerance 1e-4: the sums here have at most 14 terms, so float32 rounding gives errors of
/// order 1e-7 (PyTorch's own float32 results are ≤ 3e-7 off the reference); an indexing, split
/// or modality-order mistake gives errors of order 1.
final class FusionHeadTests: XCTestCase {
    let tolerance = 1e-4

    /// The fixture cases: name, the head as configured there, and its modality count.
    private func cases() -> [(String, any FusionHead)] {
        [
            ("sum3", SumFusion(featureCounts: [5, 7, 3], classCount: 4, seed: 1)),
            ("film0", FiLMFusion(featureCounts: [6, 5], classCount: 4, filmModality: 0, seed: 1)),
            ("film1", FiLMFusion(featureCounts: [6, 5], classCount: 4, filmModality: 1, seed: 1)),
            ("gated0", GatedFusion(featureCounts: [5, 7], classCount: 4, hiddenCount: 6,
                                   gateModality: 0, seed: 1)),
            ("gated1", GatedFusion(featureCounts: [5, 7], classCount: 4, hiddenCount: 6,
                                   gateModality: 1, seed: 1)),
        ]
    }

    func testForwardBackwardAndUnimodalLogitsMatchTorch() throws {
        let fixture = try Fixture("fusion")
        var worst = 0.0
        for (name, head) in cases() {
            let ownNames = Set(head.parameters.map { "\(name).\($0.name)" })
            let fixtureNames = Set(fixture.tensorNames.filter {
                $0.hasPrefix(name + ".fusion.")
            })
            XCTAssertEqual(ownNames, fixtureNames, "\(name): parameter names")
            for parameter in head.parameters {
                let value = fixture.tensor("\(name).\(parameter.name)")
                XCTAssertEqual(value.shape, parameter.shape, "\(name).\(parameter.name)")
                parameter.value = value.data
            }
            let features = head.featureCounts.indices.map { fixture.tensor("\(name).f\($0)") }

            let logits = head.forward(features)
            let unimodal = head.unimodalLogits(features)
            // Uni-modal logits of other features in between must not disturb backward.
            _ = head.unimodalLogits(features.map { f in
                Tensor(shape: f.shape, data: f.data.map { 3 * $0 + 1 })
            })
            let dFeatures = head.backward(fixture.tensor(name + ".dlogits"))

            var errors = [assertClose(logits, fixture.tensor(name + ".logits"),
                                      tolerance: tolerance, name + " logits")]
            XCTAssertEqual(dFeatures.count, features.count, name)
            XCTAssertEqual(unimodal.count, features.count, name)
            for m in features.indices where m < dFeatures.count && m < unimodal.count {
                errors.append(assertClose(dFeatures[m], fixture.tensor("\(name).df\(m)"),
                                          tolerance: tolerance, "\(name) df\(m)"))
                errors.append(assertClose(unimodal[m], fixture.tensor("\(name).uni\(m)"),
                                          tolerance: tolerance, "\(name) uni\(m)"))
            }
            for parameter in head.parameters {
                let key = "\(name).grad.\(parameter.name)"
                errors.append(assertClose(Tensor(shape: parameter.shape, data: parameter.grad),
                                          fixture.tensor(key), tolerance: tolerance, key))
            }
            let caseWorst = errors.max() ?? .infinity
            print("fusion \(name): max scaled error \(caseWorst)")
            worst = max(worst, caseWorst)
        }
        print("fusion heads: max scaled error \(worst) (tolerance \(tolerance))")
    }

    /// Each head's groups are its weights, all of them and nothing else, with the modality the
    /// head documents, and each group's layout covers its weight exactly.
    func testMaskableGroupsCoverExactlyTheWeights() {
        let expectations: [(String, any FusionHead, [String: Int])] = [
            ("sum3", cases()[0].1,
             ["fusion.0.weight": 0, "fusion.1.weight": 1, "fusion.2.weight": 2]),
            ("film0", cases()[1].1, ["fusion.film.weight": 0, "fusion.out.weight": 1]),
            ("film1", cases()[2].1, ["fusion.film.weight": 1, "fusion.out.weight": 0]),
            ("gated0", cases()[3].1,
             ["fusion.0.weight": 0, "fusion.1.weight": 1, "fusion.out.weight": 1]),
            ("gated1", cases()[4].1,
             ["fusion.0.weight": 0, "fusion.1.weight": 1, "fusion.out.weight": 0]),
        ]
        for (name, head, owners) in expectations {
            let groups = head.maskableGroups
            XCTAssertEqual(groups.count, owners.count, "\(name): group count")
            var seen: [String: Int] = [:]
            var units = 0
            for group in groups {
                XCTAssertTrue(head.parameters.contains { $0 === group.parameter }, name)
                XCTAssertTrue(group.parameter.decays, "\(name): \(group.parameter.name)")
                seen[group.parameter.name] = group.modality
                guard case let .columnBlock(rows, columns, start, count) = group.layout else {
                    XCTFail("\(name): \(group.parameter.name) is not a column block")
                    continue
                }
                XCTAssertEqual(group.parameter.shape, [rows, columns], name)
                XCTAssertEqual(start, 0, name)
                XCTAssertEqual(count, columns, name)
                units += rows * count
            }
            XCTAssertEqual(seen, owners, "\(name): group parameters and modalities")
            let weights = head.parameters.filter { $0.name.hasSuffix(".weight") }
            XCTAssertEqual(units, weights.reduce(0) { $0 + $1.count },
                           "\(name): units cover every weight element once")
            XCTAssertTrue(head.parameters.filter { $0.name.hasSuffix(".bias") }
                .allSatisfy { !$0.decays }, "\(name): biases not weight-decayed")
        }
    }

    func testSumUnimodalLogitsAreEachModalityLinearLayerByHand() {
        let head = SumFusion(featureCounts: [3, 2], classCount: 2, seed: 9)
        head.layers[0].weight.value = [1, 2, 3, -1, 0, 0.5]
        head.layers[0].bias.value = [0.25, -0.5]
        head.layers[1].weight.value = [2, -3, 0, 1]
        head.layers[1].bias.value = [1, 2]
        let f0 = Tensor(shape: [2, 3], data: [1, 0, -1, 2, 1, 4])
        let f1 = Tensor(shape: [2, 2], data: [0.5, 1, -1, 3])

        let z = head.unimodalLogits([f0, f1])
        let fused = head.forward([f0, f1])

        // z_0 = W_0 f_0 + b_0: row 1: [1+0−3, −1+0−0.5] + b; row 2: [2+2+12, −2+0+2] + b.
        XCTAssertEqual(z[0].data, [-1.75, -2, 16.25, -0.5])
        // z_1 = W_1 f_1 + b_1: row 1: [1−3, 0+1] + b; row 2: [−2−9, 0+3] + b.
        XCTAssertEqual(z[1].data, [-1, 3, -10, 5])
        XCTAssertEqual(fused.data, zip(z[0].data, z[1].data).map { $0 + $1 })
    }

    func testFactoryMakesEachKindAndRejectsWrongModalityCounts() throws {
        let names: [FusionKind: [String]] = [
            .concat: ["fusion.weight", "fusion.bias"],
            .sum: ["fusion.0.weight", "fusion.0.bias", "fusion.1.weight", "fusion.1.bias"],
            .film: ["fusion.film.weight", "fusion.film.bias", "fusion.out.weight",
                    "fusion.out.bias"],
            .gated: ["fusion.0.weight", "fusion.0.bias", "fusion.1.weight", "fusion.1.bias",
                     "fusion.out.weight", "fusion.out.bias"],
        ]
        for kind in FusionKind.allCases {
            let head = try FusionKind.make(kind, featureCounts: [8, 6], classCount: 3, seed: 4)
            XCTAssertEqual(head.parameters.map(\.name), names[kind], kind.rawValue)
            XCTAssertEqual(head.featureCounts, [8, 6], kind.rawValue)
            XCTAssertEqual(head.classCount, 3, kind.rawValue)
            let logits = head.forward([Tensor(zeros: [2, 8]), Tensor(zeros: [2, 6])])
            XCTAssertEqual(logits.shape, [2, 3], kind.rawValue)
        }
        let film = try FusionKind.make(.film, featureCounts: [8, 6], classCount: 3, seed: 4)
        XCTAssertEqual(film.parameters[0].shape, [12, 8], "γ, β as long as modality 1")
        let gated = try FusionKind.make(.gated, featureCounts: [8, 6], classCount: 3, seed: 4)
        XCTAssertEqual(gated.parameters[4].shape, [3, 8], "hidden width max F_m")

        for kind in [FusionKind.film, .gated] {
            XCTAssertThrowsError(try FusionKind.make(kind, featureCounts: [4, 4, 4],
                                                     classCount: 2, seed: 0)) { error in
                XCTAssertEqual(error as? FusionError,
                               .needsTwoModalities(kind: kind, modalityCount: 3))
            }
        }
        XCTAssertThrowsError(try FusionKind.make(.sum, featureCounts: [], classCount: 2,
                                                 seed: 0)) { error in
            XCTAssertEqual(error as? FusionError, .noModalities(kind: .sum))
        }
        XCTAssertThrowsError(try FusionKind.make(.concat, featureCounts: [4, 0], classCount: 2,
                                                 seed: 0)) { error in
            XCTAssertEqual(error as? FusionError,
                           .nonPositiveFeatureCount(kind: .concat, featureCounts: [4, 0]))
        }
        XCTAssertThrowsError(try FusionKind.make(.gated, featureCounts: [4, 4], classCount: 0,
                                                 seed: 0)) { error in
            XCTAssertEqual(error as? FusionError,
                           .nonPositiveClassCount(kind: .gated, classCount: 0))
        }
        XCTAssertEqual(try FusionKind.make(.sum, featureCounts: [1, 2, 3], classCount: 2,
                                           seed: 0).maskableGroups.count, 3)
    }

    /// PyTorch's Linear default: every weight and bias in ±1/√fan-in, seeded and reproducible.
    func testInitialisationIsLinearDefaultAndSeeded() throws {
        for kind in [FusionKind.sum, .film, .gated] {
            let head = try FusionKind.make(kind, featureCounts: [64, 16], classCount: 5,
                                           seed: 11)
            var fanIn = 0
            for parameter in head.parameters {
                if parameter.name.hasSuffix(".weight") { fanIn = parameter.shape[1] }
                let bound = 1 / Float(fanIn).squareRoot()
                XCTAssertTrue(parameter.value.allSatisfy { abs($0) <= bound }, parameter.name)
                XCTAssertGreaterThan(parameter.value.map(abs).max() ?? 0, bound * 0.5,
                                     parameter.name)
            }
            let again = try FusionKind.make(kind, featureCounts: [64, 16], classCount: 5,
                                            seed: 11)
            let other = try FusionKind.make(kind, featureCounts: [64, 16], classCount: 5,
                                            seed: 12)
            XCTAssertEqual(head.parameters.map(\.value), again.parameters.map(\.value))
            XCTAssertNotEqual(head.parameters.map(\.value), other.parameters.map(\.value))
        }
    }
}
