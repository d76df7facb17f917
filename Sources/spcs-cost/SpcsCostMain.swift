import SPCSCostCLI

/// The program: parse the command line and run the chosen command (everything else lives in SPCSCostCLI).
@main
struct SpcsCostMain {
    static func main() async {
        await SpcsCost.main(nil)
    }
}
