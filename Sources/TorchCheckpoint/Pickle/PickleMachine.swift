/// A pickle interpreter for the opcodes torch.save writes for state dicts. It builds `PickleValue`s and never
/// imports or calls anything: globals go through `TorchGlobal`'s allow-list.
///
/// Lists and dicts are classes, and a pickle may append one to itself (or to anything inside it), a cycle that
/// reference counting never frees. So the machine keeps every container it creates and empties them all once
/// the caller has read the value: `load` hands the value to `read` and returns what that makes of it.
struct PickleMachine {
    /// Resolves BINPERSID ids; each file format describes its storages differently.
    typealias PersistentLoad = (PickleValue) throws -> PickleValue

    private var reader: ByteReader
    private let persistentLoad: PersistentLoad?
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]
    private var opcodeOffset = 0
    /// Every list and dict built, emptied at the end of `load` so that no cycle among them outlives it.
    private var containers: [PickleValue] = []

    /// Runs the pickle starting at `offset` and passes its value to `read`; returns what `read` returns, which
    /// must not keep the value's lists or dicts (they are emptied afterwards), and the offset just past its STOP,
    /// where the legacy format's next pickle begins.
    static func load<Result>(_ bytes: UnsafeRawBufferPointer, from offset: Int = 0, name: String,
                             persistentLoad: PersistentLoad? = nil,
                             read: (PickleValue) throws -> Result) throws -> (value: Result, end: Int) {
        var machine = PickleMachine(reader: ByteReader(bytes, name: name, position: offset),
                                    persistentLoad: persistentLoad)
        defer { machine.emptyContainers() }
        let value = try read(try machine.run())
        return (value, machine.reader.position)
    }

    private mutating func emptyContainers() {
        for container in containers {
            switch container {
            case .list(let list): list.items = []
            case .dict(let dict): dict.entries = []
            default: break
            }
        }
        containers = []
    }

    /// Pushes a new list or dict, remembered so that `load` can empty it.
    private mutating func push(container: PickleValue) {
        containers.append(container)
        stack.append(container)
    }

    private init(reader: ByteReader, persistentLoad: PersistentLoad?) {
        self.reader = reader
        self.persistentLoad = persistentLoad
    }

    private func corrupt(_ message: String) -> FormatError {
        FormatError("corrupt pickle \(reader.name): \(message) at offset \(opcodeOffset)")
    }

    private mutating func pop() throws -> PickleValue {
        guard let value = stack.popLast() else { throw corrupt("stack underflow") }
        return value
    }

    private mutating func popToMark() throws -> [PickleValue] {
        guard let mark = marks.popLast(), mark <= stack.count else { throw corrupt("no MARK to pop to") }
        defer { stack.removeSubrange(mark...) }
        return Array(stack[mark...])
    }

    private mutating func pop(_ count: Int) throws -> [PickleValue] {
        guard stack.count >= count else { throw corrupt("stack underflow") }
        defer { stack.removeLast(count) }
        return Array(stack.suffix(count))
    }

    private func top() throws -> PickleValue {
        guard let value = stack.last else { throw corrupt("stack underflow") }
        return value
    }

    private mutating func string(_ length: Int, _ what: String) throws -> String {
        let raw = try reader.take(length, for: what)
        guard let s = String(validating: raw, as: UTF8.self) else { throw corrupt("\(what) is not valid UTF-8") }
        return s
    }

    private mutating func get(_ index: Int) throws -> PickleValue {
        guard let value = memo[index] else { throw corrupt("memo slot \(index) read before it was written") }
        return value
    }

    private mutating func setItems(_ items: [PickleValue]) throws {
        guard items.count % 2 == 0 else { throw corrupt("SETITEMS with an odd number of items") }
        guard case .dict(let dict) = try top() else { throw corrupt("SETITEM on \(try top().summary)") }
        for i in stride(from: 0, to: items.count, by: 2) {
            dict.entries.append((key: items[i], value: items[i + 1]))
        }
    }

    private mutating func append(_ items: [PickleValue]) throws {
        guard case .list(let list) = try top() else { throw corrupt("APPEND on \(try top().summary)") }
        list.items.append(contentsOf: items)
    }

    private mutating func integer(_ length: Int) throws -> PickleValue {
        let raw = Array(try reader.take(length, for: "LONG"))
        guard raw.count <= 8 else { return .bigInt(raw) }
        guard let last = raw.last else { return .int(0) }
        let fill: UInt64 = last & 0x80 != 0 ? ~0 : 0
        let bits = raw.reversed().reduce(fill) { $0 << 8 | UInt64($1) }
        return .int(Int(Int64(bitPattern: bits)))
    }

    private mutating func run() throws -> PickleValue {
        while true {
            opcodeOffset = reader.position
            let op = try reader.byte(for: "opcode")
            switch op {
            case 0x80: _ = try reader.byte(for: "PROTO")
            case 0x95: _ = try reader.take(8, for: "FRAME")
            case UInt8(ascii: "."): return try pop()
            case UInt8(ascii: "("): marks.append(stack.count)
            case UInt8(ascii: "0"): _ = try pop()
            case UInt8(ascii: "1"): _ = try popToMark()
            case UInt8(ascii: "2"): stack.append(try top())
            case UInt8(ascii: "N"): stack.append(.none)
            case 0x88: stack.append(.bool(true))
            case 0x89: stack.append(.bool(false))
            case UInt8(ascii: "J"):
                stack.append(.int(Int(Int32(truncatingIfNeeded: try reader.littleEndian(4, for: "BININT")))))
            case UInt8(ascii: "K"): stack.append(.int(Int(try reader.byte(for: "BININT1"))))
            case UInt8(ascii: "M"): stack.append(.int(Int(try reader.littleEndian(2, for: "BININT2"))))
            case 0x8a: stack.append(try integer(Int(try reader.byte(for: "LONG1"))))
            case 0x8b: stack.append(try integer(try reader.length(4, for: "LONG4")))
            case UInt8(ascii: "G"):
                let raw = try reader.take(8, for: "BINFLOAT")
                stack.append(.float(Double(bitPattern: raw.reduce(0) { $0 << 8 | UInt64($1) })))
            case UInt8(ascii: "X"): stack.append(.string(try string(try reader.length(4, for: "BINUNICODE"), "BINUNICODE")))
            case 0x8c:
                stack.append(.string(try string(Int(try reader.byte(for: "SHORT_BINUNICODE")), "SHORT_BINUNICODE")))
            case 0x8d: stack.append(.string(try string(try reader.length(8, for: "BINUNICODE8"), "BINUNICODE8")))
            // Python 2 str: torch.load decodes these as UTF-8 too.
            case UInt8(ascii: "T"): stack.append(.string(try string(try reader.length(4, for: "BINSTRING"), "BINSTRING")))
            case UInt8(ascii: "U"):
                stack.append(.string(try string(Int(try reader.byte(for: "SHORT_BINSTRING")), "SHORT_BINSTRING")))
            case UInt8(ascii: "B"): stack.append(.bytes(Array(try reader.take(try reader.length(4, for: "BINBYTES"), for: "BINBYTES"))))
            case UInt8(ascii: "C"):
                stack.append(.bytes(Array(try reader.take(Int(try reader.byte(for: "SHORT_BINBYTES")), for: "SHORT_BINBYTES"))))
            case UInt8(ascii: "}"): push(container: .dict(PickleDict()))
            case UInt8(ascii: "]"): push(container: .list(PickleList()))
            case UInt8(ascii: ")"): stack.append(.tuple([]))
            case UInt8(ascii: "t"): stack.append(.tuple(try popToMark()))
            case 0x85, 0x86, 0x87: stack.append(.tuple(try pop(Int(op) - 0x84)))
            case UInt8(ascii: "l"): push(container: .list(PickleList(try popToMark())))
            case UInt8(ascii: "d"):
                let items = try popToMark()
                push(container: .dict(PickleDict()))
                try setItems(items)
            case UInt8(ascii: "s"): try setItems(try pop(2))
            case UInt8(ascii: "u"): try setItems(try popToMark())
            case UInt8(ascii: "a"): try append([try pop()])
            case UInt8(ascii: "e"): try append(try popToMark())
            case UInt8(ascii: "q"): memo[Int(try reader.byte(for: "BINPUT"))] = try top()
            case UInt8(ascii: "r"): memo[Int(try reader.littleEndian(4, for: "LONG_BINPUT"))] = try top()
            case 0x94: memo[memo.count] = try top()
            case UInt8(ascii: "h"): stack.append(try get(Int(try reader.byte(for: "BINGET"))))
            case UInt8(ascii: "j"): stack.append(try get(Int(try reader.littleEndian(4, for: "LONG_BINGET"))))
            case UInt8(ascii: "c"):
                let module = try reader.line(for: "GLOBAL module")
                let name = try reader.line(for: "GLOBAL name")
                stack.append(.global(try TorchGlobal(module: module, name: name)))
            case 0x93:
                let parts = try pop(2)
                guard let module = parts[0].string, let name = parts[1].string else {
                    throw corrupt("STACK_GLOBAL needs two strings, found \(parts[0].summary), \(parts[1].summary)")
                }
                stack.append(.global(try TorchGlobal(module: module, name: name)))
            case UInt8(ascii: "Q"):
                let id = try pop()
                guard let persistentLoad else { throw corrupt("persistent id outside the object pickle") }
                stack.append(try persistentLoad(id))
            case UInt8(ascii: "R"):
                let args = try pop()
                let callable = try pop()
                guard case .global(let global) = callable, let argList = args.sequence else {
                    throw corrupt("REDUCE needs a global and a tuple, found \(callable.summary), \(args.summary)")
                }
                let result = try global.call(argList)
                if case .dict = result { containers.append(result) }
                stack.append(result)
            case 0x81:
                let args = try pop()
                let cls = try pop()
                guard case .global(.orderedDict) = cls, let argList = args.sequence, argList.isEmpty else {
                    throw corrupt("NEWOBJ is only supported for OrderedDict(), found \(cls.summary)")
                }
                push(container: .dict(PickleDict()))
            case UInt8(ascii: "b"):
                // An OrderedDict's state is its attributes, such as `_metadata`; tensors do not need them.
                let state = try pop()
                guard case .dict = try top() else {
                    throw corrupt("BUILD on \(try top().summary) with \(state.summary)")
                }
            default:
                throw corrupt("unknown opcode 0x\(String(op, radix: 16))")
            }
        }
    }
}
