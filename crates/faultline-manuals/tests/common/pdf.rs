//! Small PDFs made in the tests, and stand-in workers (`sh -c …`).

use super::TestResult;
use faultline_manuals::extract::WorkerCommand;
use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, ObjectId, Stream};
use std::path::Path;

/// A one-page PDF showing `lines` in Helvetica.
pub fn write_pdf(path: &Path, lines: &[&str]) -> TestResult {
    write_pages(path, &[lines])
}

/// A PDF with one page per entry of `pages`, each showing its lines in Helvetica.
pub fn write_pages(path: &Path, pages: &[&[&str]]) -> TestResult {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let mut kids: Vec<Object> = Vec::new();
    for lines in pages {
        let page = add_page(&mut doc, pages_id, font, lines)?;
        kids.push(page.into());
    }
    let count = i64::try_from(kids.len())?;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    doc.save(path)?;
    Ok(())
}

fn add_page(
    doc: &mut Document,
    parent: ObjectId,
    font: ObjectId,
    lines: &[&str],
) -> Result<ObjectId, Box<dyn std::error::Error>> {
    let mut operations = vec![
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec!["F1".into(), 12.into()]),
        Operation::new("TL", vec![14.into()]),
        Operation::new("Td", vec![72.into(), 720.into()]),
    ];
    for line in lines {
        operations.push(Operation::new("Tj", vec![Object::string_literal(*line)]));
        operations.push(Operation::new("T*", vec![]));
    }
    operations.push(Operation::new("ET", vec![]));
    let content = Content { operations }.encode()?;
    let contents = doc.add_object(Stream::new(dictionary! {}, content));
    Ok(doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => parent, "Contents" => contents,
        "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
    }))
}

/// A stand-in worker: `sh -c SCRIPT`.
pub fn shell(script: &str) -> WorkerCommand {
    WorkerCommand {
        exe: "sh".into(),
        args_before: vec!["-c".into(), script.into(), "worker".into()],
    }
}
