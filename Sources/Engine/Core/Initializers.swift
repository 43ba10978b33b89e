/// Weight initialisation. Convolution and fully connected weights use Glorot (Xavier) uniform,
/// `U(−√(6/(fan_in + fan_out)), +√(6/(fan_in + fan_out)))` with `fan_in = kh·kw·cin`, `fan_out = kh·kw·cout`:
/// TF-slim's default for the Inception models the paper trained. Biases and BatchNorm beta start at 0, gamma at 1.
/// Values are drawn in the parameter's memory order from the generator the network builder passes, so a seed fixes
/// every weight.
public enum Initializer {
    public static func glorotUniform(_ p: Parameter, fanIn: Int, fanOut: Int, using rng: inout RandomGenerator) {
        let limit = Float((6.0 / Double(fanIn + fanOut)).squareRoot())
        for i in 0..<p.count { p.value[i] = (2 * rng.nextUniform() - 1) * limit }
    }
}
