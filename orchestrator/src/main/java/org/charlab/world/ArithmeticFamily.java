package org.charlab.world;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Arithmetic word problems: {@code a + b} and {@code a - b} with operands in [2, max], sums under
 * 100 and differences of at least 2 (so Spanish and English plurals stay right). The CoT restates
 * the numbers and writes the column working, ones then tens, as taught in school
 * ({@code "Ones: 2 + 9 = 11, carry 1. Tens: 1 + 1 + 1 = 3. So 12 + 19 = 31."}); the answer is the
 * result. Every step is a one-digit fact or a copy, so a small model can learn to add pairs it never
 * saw, and the CoT carries the computation (it is not decoration). An item is an operation and
 * operand pair ({@code arithmetic:12+7}); test pairs never appear in training, in any phrasing.
 * Training draws addition and subtraction equally often although there are about twice as many
 * addition pairs (drawn by pair, subtraction got 31% of the problems).
 */
public final class ArithmeticFamily implements Family {

    record Op(boolean add, int a, int b) {
        int result() {
            return add ? a + b : a - b;
        }

        /** The column working: ones (with the carry or borrow it makes), then tens. */
        Bilingual working() {
            int ua = a % 10, ub = b % 10, ta = a / 10, tb = b / 10;
            if (add) {
                int ones = ua + ub;
                int carry = ones / 10;
                String tens = ta + " + " + tb + " + " + carry + " = " + (ta + tb + carry) + ".";
                return new Bilingual("Ones: " + ua + " + " + ub + " = " + ones + ", carry " + carry + ". Tens: " + tens,
                        "Unidades: " + ua + " + " + ub + " = " + ones + ", llevo " + carry + ". Decenas: " + tens);
            }
            int borrow = ua < ub ? 1 : 0;
            String ones = (ua + 10 * borrow) + " - " + ub + " = " + (ua + 10 * borrow - ub);
            String tens = ta + " - " + tb + " - " + borrow + " = " + (ta - tb - borrow) + ".";
            return new Bilingual("Ones: " + ones + ", borrow " + borrow + ". Tens: " + tens,
                    "Unidades: " + ones + ", pido prestado " + borrow + ". Decenas: " + tens);
        }

        String key() {
            return "arithmetic:" + a + (add ? "+" : "-") + b;
        }
    }

    /** One phrasing: the user's question and the CoT and output in both languages. */
    record Phrasing(boolean add, String user, Bilingual cot, Bilingual output) {
    }

    static final List<Phrasing> PHRASINGS = List.of(
            new Phrasing(true, "{n} has {a} {obj} and gets {b} more. How many {obj} does {n} have now?",
                    new Bilingual("{n} starts with {a} and gets {b} more. {w} So {a} + {b} = {r}.",
                            "{n} empieza con {a} y recibe {b} más. {w} Así que {a} + {b} = {r}."),
                    new Bilingual("{n} has {r} {obj} now.", "Ahora {n} tiene {r} {obj}.")),
            new Phrasing(true, "There are {a} {obj} in a box and {n} puts in {b} more. How many {obj} are in the box?",
                    new Bilingual("The box has {a} and {n} adds {b}. {w} So {a} + {b} = {r}.",
                            "La caja tiene {a} y {n} pone {b} más. {w} Así que {a} + {b} = {r}."),
                    new Bilingual("There are {r} {obj} in the box.", "Hay {r} {obj} en la caja.")),
            new Phrasing(false, "{n} has {a} {obj} and gives {b} away. How many {obj} are left?",
                    new Bilingual("{n} has {a} and gives away {b}. {w} So {a} - {b} = {r}.",
                            "{n} tiene {a} y regala {b}. {w} Así que {a} - {b} = {r}."),
                    new Bilingual("{n} has {r} {obj} left.", "A {n} le quedan {r} {obj}.")),
            new Phrasing(false, "{n} had {a} {obj} and lost {b} of them. How many {obj} remain?",
                    new Bilingual("{n} had {a} and lost {b}. {w} So {a} - {b} = {r}.",
                            "{n} tenía {a} y perdió {b}. {w} Así que {a} - {b} = {r}."),
                    new Bilingual("{n} now has {r} {obj}.", "Ahora {n} tiene {r} {obj}.")));

    static final List<String> NAMES = List.of("Tom", "Ana", "Leo", "Mia", "Sam", "Eva");
    static final List<Bilingual> OBJECTS = List.of(new Bilingual("apples", "manzanas"),
            new Bilingual("books", "libros"), new Bilingual("coins", "monedas"), new Bilingual("cards", "cartas"),
            new Bilingual("stamps", "sellos"), new Bilingual("shells", "conchas"));

    private final SplitItems<Op> items = new SplitItems<>();
    private final SplitItems<Integer> additions = new SplitItems<>();
    private final SplitItems<Integer> subtractions = new SplitItems<>();

    public ArithmeticFamily(int max, double testShare) {
        for (int a = 2; a <= max; a++) {
            for (int b = 2; b <= max; b++) {
                for (Op op : List.of(new Op(true, a, b), new Op(false, a, b))) {
                    int r = op.result();
                    if (r >= 2 && r < 100) {
                        Split split = Split.of(op.key(), testShare);
                        (op.add() ? additions : subtractions).add(split, items.of(split).size());
                        items.add(split, op);
                    }
                }
            }
        }
    }

    @Override
    public FamilyName name() {
        return FamilyName.ARITHMETIC;
    }

    @Override
    public int size(Split split) {
        return items.of(split).size();
    }

    /** An addition or a subtraction with equal odds, then one of its pairs. */
    @Override
    public Task sample(Split split, SplittableRandom rng) {
        List<Integer> ofOp = (rng.nextBoolean() ? additions : subtractions).of(split);
        return task(split, ofOp.get(rng.nextInt(ofOp.size())), rng);
    }

    @Override
    public Task task(Split split, int index, SplittableRandom rng) {
        Op op = items.of(split).get(index);
        List<Phrasing> fitting = PHRASINGS.stream().filter(p -> p.add() == op.add()).toList();
        Phrasing p = fitting.get(rng.nextInt(fitting.size()));
        Map<String, Object> v = Map.of("n", NAMES.get(rng.nextInt(NAMES.size())),
                "obj", OBJECTS.get(rng.nextInt(OBJECTS.size())), "a", op.a(), "b", op.b(), "r", op.result(),
                "w", op.working());
        return new Task(name(), split, op.key(), Bilingual.same(p.user()).fill(v).en(), p.cot().fill(v),
                p.output().fill(v), Integer.toString(op.result()));
    }

    @Override
    public List<Bilingual> templates() {
        List<Bilingual> out = new ArrayList<>();
        PHRASINGS.forEach(p -> {
            out.add(p.cot());
            out.add(p.output());
        });
        out.addAll(OBJECTS);
        return out;
    }

    @Override
    public List<String> userTemplates() {
        return PHRASINGS.stream().map(Phrasing::user).toList();
    }
}
