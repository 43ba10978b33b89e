import Foundation

/// A labelled image folder in the ImageNet validation layout: one sub-folder per class, the images inside.
///
/// Labels: when the network has ImageNet's 1000 classes and every sub-folder is named after an ImageNet synset
/// (`n01440764`, …), a folder's label is its synset's index in `ImageNetClasses` (so a subset of the classes
/// works too); otherwise there must be one sub-folder per class of the network, and labels follow the folders'
/// sorted names (torchvision's `ImageFolder` order). Files are every non-hidden regular file of a class folder,
/// sorted by name; a file that is not a JPEG or PNG image is reported when it is read.
public struct ImageFolder {
    public struct Sample: Sendable {
        public let url: URL
        public let label: Int
    }

    /// The class sub-folders' names, sorted.
    public let classFolders: [String]
    /// Every image with its label, class folder by class folder.
    public let samples: [Sample]

    public init(_ root: URL, classes: Int) throws(ImageFolderError) {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        guard files.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .notADirectory(root.path)
        }
        func entries(_ url: URL) -> [URL] {
            ((try? files.contentsOfDirectory(at: url, includingPropertiesForKeys: [.isDirectoryKey])) ?? [])
                .filter { !$0.lastPathComponent.hasPrefix(".") }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        }
        func isFolder(_ url: URL) -> Bool { (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true }
        let folders = entries(root).filter(isFolder)
        classFolders = folders.map(\.lastPathComponent)

        let labels: [Int]
        let synsetIndex = Dictionary(uniqueKeysWithValues: ImageNetClasses.all.enumerated().map { ($1.synset, $0) })
        if classes == ImageNetClasses.all.count, !folders.isEmpty, classFolders.allSatisfy({ synsetIndex[$0] != nil }) {
            labels = classFolders.map { synsetIndex[$0]! }
        } else {
            guard folders.count == classes else {
                throw .classCount(root.path, folders: folders.count, classes: classes)
            }
            labels = Array(folders.indices)
        }
        samples = zip(folders, labels).flatMap { folder, label in
            entries(folder).filter { !isFolder($0) }.map { Sample(url: $0, label: label) }
        }
        guard !samples.isEmpty else { throw .noImages(root.path) }
    }
}

/// Why a folder is not a labelled image folder.
public enum ImageFolderError: Error, CustomStringConvertible {
    case notADirectory(String)
    case classCount(String, folders: Int, classes: Int)
    case noImages(String)

    public var description: String {
        switch self {
        case .notADirectory(let path):
            "\(path) is not a directory: give the validation folder, with one sub-folder of images per class"
        case .classCount(let path, let folders, let classes):
            "\(path) has \(folders) class sub-folder(s) but the network has \(classes) classes: the folder needs one "
                + "sub-folder per class (sorted names in class order), or ImageNet synset names (n01440764, …) "
                + "for a 1000-class network"
        case .noImages(let path): "\(path): the class sub-folders hold no files"
        }
    }
}
