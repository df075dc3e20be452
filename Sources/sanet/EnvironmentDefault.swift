import ArgumentParser
import Foundation

/// A setting given as a flag, else as an environment variable (for containers), else its default.
func setting<Value: LosslessStringConvertible>(_ flag: Value?, environment name: String, default value: Value) throws -> Value {
    if let flag { return flag }
    guard let text = ProcessInfo.processInfo.environment[name] else { return value }
    guard let parsed = Value(text) else {
        throw ValidationError("\(name)='\(text)' is not a valid value")
    }
    return parsed
}
